//! Finding raids near a site fast: an R-tree of raid points and a lon/lat box that is proven to
//! hold every point within a geodesic distance, so only a few exact geodesic distances are
//! computed per site.
//!
//! The box. On the WGS84 ellipsoid a path's length element is
//! `ds² = M(φ)² dφ² + (N(φ) cos φ)² dλ²`, with the meridional radius `M ≥ a(1−e²)` (its value at
//! the equator) and the prime-vertical radius `N ≥ a`. So a point within distance `r` of the
//! centre differs in latitude by at most `r / (a(1−e²))` radians, every point of the geodesic
//! to it lies in that latitude band, and its longitude differs by at most `r / (a cos φmax)`
//! where `φmax` is the band's largest |latitude|. When the band reaches a pole, or the
//! longitude reach is 180° or more, every longitude is searched. A box that crosses the
//! antimeridian is split in two.

use geo::Point;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::measure::distance_m;

/// WGS84 semi-major axis in metres.
const A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
const F: f64 = 1.0 / 298.257_223_563;
/// The smallest meridional radius of curvature (at the equator), `a(1−e²)`, in metres.
const M_MIN_M: f64 = A_M * (1.0 - F * (2.0 - F));
/// Relative slack for floating-point rounding in the bounds.
const SLACK: f64 = 1.0 + 1e-9;

/// Longitude into `[-180, 180)`.
pub fn normalize_lon(lon: f64) -> f64 {
    let l = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if l >= 180.0 { l - 360.0 } else { l }
}

/// Lon/lat boxes (`[lon, lat]` corners, longitudes in `[-180, 180]`) that together hold every
/// point within `radius_m` (geodesic, WGS84) of `center`.
pub fn search_boxes(center: Point<f64>, radius_m: f64) -> Vec<AABB<[f64; 2]>> {
    let lat = center.y();
    let lon = normalize_lon(center.x());
    let radius_m = radius_m.max(0.0);
    let dlat_deg = (radius_m / M_MIN_M * SLACK).to_degrees();
    let south = (lat - dlat_deg).max(-90.0);
    let north = (lat + dlat_deg).min(90.0);
    let phi_max = (lat.abs() + dlat_deg).min(90.0);
    let whole_world = AABB::from_corners([-180.0, south], [180.0, north]);
    if phi_max >= 90.0 {
        return vec![whole_world];
    }
    let dlon_deg = (radius_m / (A_M * phi_max.to_radians().cos()) * SLACK).to_degrees();
    if dlon_deg >= 180.0 {
        return vec![whole_world];
    }
    let (west, east) = (lon - dlon_deg, lon + dlon_deg);
    if west < -180.0 {
        vec![
            AABB::from_corners([west + 360.0, south], [180.0, north]),
            AABB::from_corners([-180.0, south], [east, north]),
        ]
    } else if east > 180.0 {
        vec![
            AABB::from_corners([west, south], [180.0, north]),
            AABB::from_corners([-180.0, south], [east - 360.0, north]),
        ]
    } else {
        vec![AABB::from_corners([west, south], [east, north])]
    }
}

type Entry = GeomWithData<[f64; 2], usize>;

/// Points (by an index of the caller's) in an R-tree keyed by normalized lon/lat.
#[derive(Debug)]
pub struct PointIndex {
    tree: RTree<Entry>,
    points: Vec<(usize, Point<f64>)>,
}

/// A point found near a centre, with its geodesic distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub id: usize,
    pub distance_m: f64,
}

impl PointIndex {
    /// Index the points (lon/lat degrees) under the caller's ids.
    pub fn new(points: Vec<(usize, Point<f64>)>) -> Self {
        let entries = points
            .iter()
            .enumerate()
            .map(|(slot, (_, p))| GeomWithData::new([normalize_lon(p.x()), p.y()], slot))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            points,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Every point within `radius_m` of `center` (geodesic), and the nearest point of all
    /// (geodesic, ties broken by the smaller id), in one search.
    pub fn near(&self, center: Point<f64>, radius_m: f64) -> (Vec<Found>, Option<Found>) {
        if self.points.is_empty() {
            return (Vec::new(), None);
        }
        // A first guess at the nearest point (planar in degrees, so only a guess); the true
        // nearest is at most as far, so the box for that distance holds it.
        let guess_m = self
            .tree
            .nearest_neighbor(&[normalize_lon(center.x()), center.y()])
            .map_or(f64::INFINITY, |e| distance_m(center, self.points[e.data].1));
        let reach_m = radius_m.max(guess_m);
        let mut within = Vec::new();
        let mut nearest: Option<Found> = None;
        for envelope in search_boxes(center, reach_m) {
            for e in self.tree.locate_in_envelope(&envelope) {
                let (id, p) = self.points[e.data];
                let d = distance_m(center, p);
                let found = Found { id, distance_m: d };
                if d <= radius_m {
                    within.push(found);
                }
                if nearest.is_none_or(|n| (d, id) < (n.distance_m, n.id)) {
                    nearest = Some(found);
                }
            }
        }
        // Two boxes never overlap, so nothing was seen twice.
        within.sort_by_key(|f| f.id);
        (within, nearest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Destination, Geodesic};

    /// A small deterministic generator (SplitMix64), so the test needs no `rand`.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.next()
        }
    }

    fn contains(boxes: &[AABB<[f64; 2]>], p: Point<f64>) -> bool {
        use rstar::Envelope;
        boxes
            .iter()
            .any(|b| b.contains_point(&[normalize_lon(p.x()), p.y()]))
    }

    #[test]
    fn the_search_box_holds_every_point_on_the_geodesic_circle() {
        let mut rng = SplitMix(7);
        for _ in 0..2000 {
            let center = Point::new(rng.range(-180.0, 180.0), rng.range(-89.0, 89.0));
            let radius_m = rng.range(1.0, 3_000_000.0);
            let boxes = search_boxes(center, radius_m);
            for k in 0..36 {
                let p = Geodesic.destination(center, f64::from(k) * 10.0 + 1.3, radius_m);
                assert!(
                    contains(&boxes, p),
                    "{p:?} at {radius_m} m from {center:?} is outside {boxes:?}"
                );
            }
        }
    }

    #[test]
    fn a_box_across_the_antimeridian_is_split_and_a_box_over_a_pole_takes_every_longitude() {
        let boxes = search_boxes(Point::new(179.99, 0.0), 5_000.0);
        assert_eq!(boxes.len(), 2);
        assert!(contains(&boxes, Point::new(-179.99, 0.0)));
        let polar = search_boxes(Point::new(10.0, 89.99), 5_000.0);
        assert_eq!(polar.len(), 1);
        assert!(contains(&polar, Point::new(-170.0, 89.99)));
    }

    #[test]
    fn the_index_finds_what_brute_force_finds() {
        let mut rng = SplitMix(42);
        // Clustered and world-wide points, including the antimeridian and high latitudes.
        let mut points = Vec::new();
        for id in 0..3000 {
            let p = if id % 3 == 0 {
                Point::new(rng.range(-180.0, 180.0), rng.range(-89.9, 89.9))
            } else if id % 3 == 1 {
                Point::new(rng.range(102.3, 107.6), rng.range(10.4, 14.7))
            } else {
                Point::new(rng.range(179.0, 181.0), rng.range(60.0, 80.0))
            };
            points.push((id, p));
        }
        let index = PointIndex::new(points.clone());
        for k in 0..400 {
            let center = match k % 3 {
                0 => Point::new(rng.range(-180.0, 180.0), rng.range(-89.9, 89.9)),
                1 => Point::new(rng.range(102.3, 107.6), rng.range(10.4, 14.7)),
                _ => Point::new(rng.range(-180.0, -179.0), rng.range(60.0, 80.0)),
            };
            let radius_m = [1_000.0, 5_000.0, 50_000.0, 400_000.0][k % 4];
            let (within, nearest) = index.near(center, radius_m);
            let mut brute: Vec<Found> = points
                .iter()
                .map(|(id, p)| Found {
                    id: *id,
                    distance_m: distance_m(center, *p),
                })
                .collect();
            let brute_within: Vec<usize> = brute
                .iter()
                .filter(|f| f.distance_m <= radius_m)
                .map(|f| f.id)
                .collect();
            assert_eq!(
                within.iter().map(|f| f.id).collect::<Vec<_>>(),
                brute_within,
                "within {radius_m} m of {center:?}"
            );
            brute.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
            assert_eq!(nearest, brute.first().copied(), "nearest to {center:?}");
        }
    }

    #[test]
    fn a_point_exactly_at_the_radius_is_within_and_one_just_beyond_is_not() {
        let center = Point::new(104.716, 11.202);
        let at = Geodesic.destination(center, 30.0, 5_000.0);
        let beyond = Geodesic.destination(center, 30.0, 5_000.5);
        let index = PointIndex::new(vec![(0, at), (1, beyond)]);
        let r = distance_m(center, at);
        let (within, nearest) = index.near(center, r);
        assert_eq!(within.iter().map(|f| f.id).collect::<Vec<_>>(), [0]);
        assert_eq!(nearest.map(|n| n.id), Some(0));
    }
}

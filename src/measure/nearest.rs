//! The nearest N targets to a point, by geodesic distance, through an R-tree.
//!
//! The index holds each target as an Earth-centred, Earth-fixed (ECEF) position on the WGS84
//! ellipsoid, in metres. The straight chord between two points in space is never longer than
//! the geodesic between them on the surface, so walking the tree's neighbours in order of chord
//! length and stopping once the next chord is longer than the N-th best geodesic distance found
//! so far gives exactly the N nearest by geodesic distance: every target not yet seen is at
//! least that far along its chord, hence along its geodesic. The numbers returned are geodesic
//! (Karney); the chords only prune. Ties are broken by target order, as in
//! [`one_to_all`](super::one_to_all), so both give the same rows.

use geo::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::table::{Row, Target};
use super::{distance_and_bearing, sort_rows, table::SortKey};
use crate::model::FeatureRef;

/// WGS84 semi-major axis in metres.
const WGS84_A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// Slack for rounding in the chord/geodesic comparison, in metres (far below any distance
/// shown, far above f64 rounding of ECEF coordinates).
const SLACK_M: f64 = 1e-3;

type Entry = GeomWithData<[f64; 3], usize>;

/// An R-tree over targets' ECEF positions, by index into the target list it was built from.
#[derive(Debug)]
pub struct NearestIndex {
    tree: RTree<Entry>,
}

impl NearestIndex {
    /// Index every target.
    pub fn build(targets: &[Target]) -> Self {
        let entries = targets
            .iter()
            .enumerate()
            .map(|(i, t)| GeomWithData::new(ecef_m(t.point), i))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The `n` targets nearest to `origin` by geodesic distance among those `keep` accepts,
    /// leaving out `exclude`; nearest first, ties in target order.
    pub fn nearest(
        &self,
        origin: Point<f64>,
        n: usize,
        targets: &[Target],
        exclude: Option<FeatureRef>,
        keep: impl Fn(&Target) -> bool,
    ) -> Vec<Row> {
        if n == 0 {
            return Vec::new();
        }
        let query = ecef_m(origin);
        // The best rows so far, kept sorted by (distance, target), at most `n`.
        let mut best: Vec<Row> = Vec::with_capacity(n + 1);
        for (entry, chord2) in self.tree.nearest_neighbor_iter_with_distance_2(&query) {
            let chord_m = chord2.sqrt();
            if best.len() == n
                && best
                    .last()
                    .is_some_and(|worst| chord_m > worst.distance_m + SLACK_M)
            {
                break;
            }
            let Some(target) = targets.get(entry.data) else {
                continue;
            };
            if Some(target.feature) == exclude || !keep(target) {
                continue;
            }
            let (distance_m, bearing_deg) = distance_and_bearing(origin, target.point);
            let row = Row {
                target: entry.data,
                distance_m,
                bearing_deg,
            };
            let at = best.partition_point(|r| {
                r.distance_m
                    .total_cmp(&row.distance_m)
                    .then(r.target.cmp(&row.target))
                    .is_le()
            });
            if at < n {
                best.insert(at, row);
                best.truncate(n);
            }
        }
        sort_rows(&mut best, targets, SortKey::Distance, false);
        best
    }
}

/// Earth-centred, Earth-fixed coordinates of a lon/lat point on the WGS84 ellipsoid, metres.
fn ecef_m(p: Point<f64>) -> [f64; 3] {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let (lat, lon) = (p.y().to_radians(), p.x().to_radians());
    let n = WGS84_A_M / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - e2) * lat.sin(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{distance_m, one_to_all};
    use crate::model::LayerId;

    /// A deterministic pseudo-random sequence in [0, 1) (64-bit LCG, Knuth's MMIX constants).
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

    fn target(i: usize, lon: f64, lat: f64) -> Target {
        Target {
            feature: FeatureRef {
                layer: LayerId(i as u64 % 3),
                index: i,
            },
            layer_name: format!("layer {}", i % 3),
            label: format!("t{i}"),
            id: None,
            point: Point::new(lon, lat),
            from_centroid: false,
        }
    }

    /// Targets all over the globe (poles, antimeridian), some clustered, some duplicated.
    fn targets(seed: u64, count: usize) -> Vec<Target> {
        let mut rng = Lcg(seed);
        let mut out = Vec::new();
        for i in 0..count {
            let (lon, lat) = match i % 4 {
                0 => (rng.next() * 360.0 - 180.0, rng.next() * 180.0 - 90.0),
                1 => (102.3 + rng.next() * 5.4, 10.4 + rng.next() * 4.3),
                // Both sides of the antimeridian.
                2 => (179.0 + rng.next() * 2.0, rng.next() * 10.0),
                _ => (rng.next() * 360.0 - 180.0, 85.0 + rng.next() * 5.0),
            };
            let lon = if lon > 180.0 { lon - 360.0 } else { lon };
            out.push(target(i, lon, lat));
        }
        // Two targets at the very same place.
        let twin = out[5].point;
        out.push(target(count, twin.x(), twin.y()));
        out
    }

    #[test]
    fn the_index_finds_the_same_nearest_as_measuring_everything() {
        let targets = targets(7, 2000);
        let index = NearestIndex::build(&targets);
        let mut rng = Lcg(99);
        let mut origins: Vec<Point<f64>> = (0..40)
            .map(|_| Point::new(rng.next() * 360.0 - 180.0, rng.next() * 180.0 - 90.0))
            .collect();
        origins.extend([
            Point::new(104.66, 11.262),
            Point::new(180.0, 0.0),
            Point::new(0.0, 90.0),
            Point::new(0.0, -90.0),
            targets[5].point,
        ]);
        for origin in origins {
            for n in [1, 5, 37] {
                let brute: Vec<Row> = one_to_all(origin, &targets, None, |_| true)
                    .into_iter()
                    .take(n)
                    .collect();
                let fast = index.nearest(origin, n, &targets, None, |_| true);
                assert_eq!(fast, brute, "origin {origin:?}, n {n}");
            }
        }
    }

    #[test]
    fn the_origin_feature_and_filtered_targets_are_left_out() {
        let targets = targets(11, 500);
        let index = NearestIndex::build(&targets);
        let origin = targets[9].clone();
        let keep = |t: &Target| t.layer_name != "layer 1";
        let fast = index.nearest(origin.point, 10, &targets, Some(origin.feature), keep);
        let brute: Vec<Row> = one_to_all(origin.point, &targets, Some(origin.feature), keep)
            .into_iter()
            .take(10)
            .collect();
        assert_eq!(fast, brute);
        assert!(fast.iter().all(|r| r.target != 9));
        assert!(
            fast.iter()
                .all(|r| targets[r.target].layer_name != "layer 1")
        );
        assert_eq!(fast.len(), 10);
    }

    #[test]
    fn asking_for_more_than_there_are_gives_them_all() {
        let targets = targets(3, 20);
        let index = NearestIndex::build(&targets);
        let fast = index.nearest(Point::new(0.0, 0.0), 100, &targets, None, |_| true);
        assert_eq!(fast.len(), targets.len());
        assert!(
            index
                .nearest(Point::new(0.0, 0.0), 0, &targets, None, |_| true)
                .is_empty()
        );
    }

    #[test]
    fn a_chord_is_never_longer_than_the_geodesic() {
        let mut rng = Lcg(5);
        for _ in 0..2000 {
            let a = Point::new(rng.next() * 360.0 - 180.0, rng.next() * 180.0 - 90.0);
            let b = Point::new(rng.next() * 360.0 - 180.0, rng.next() * 180.0 - 90.0);
            let (pa, pb) = (ecef_m(a), ecef_m(b));
            let chord =
                ((pa[0] - pb[0]).powi(2) + (pa[1] - pb[1]).powi(2) + (pa[2] - pb[2]).powi(2))
                    .sqrt();
            assert!(chord <= distance_m(a, b) + 1e-6, "{a:?} {b:?}");
        }
    }
}

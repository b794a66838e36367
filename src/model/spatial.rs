//! A spatial index over a layer's features (an rstar R-tree), for drawing only what is in view
//! and for hit-testing.
//!
//! One R-tree entry per feature would cost rstar about 60 bytes a feature (each leaf is a node
//! the size of a parent node), more than the feature itself. So the features are sorted along a
//! Z-order curve of their box centres and cut into runs of [`BUCKET`] neighbours; the R-tree
//! holds one entry per run (the run's bounding box), and a query checks the boxes of the
//! features in each run it meets. That is 4 bytes a feature plus a small tree, and as fast: the
//! runs are compact because Z-order keeps neighbours together.

use geo::{Intersects, Rect};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::{Feature, Layer};
use crate::mercator::lon_lat_to_world;

/// Features per R-tree entry.
pub(super) const BUCKET: usize = 32;

type Entry = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

/// The features of a layer that have a geometry, by position.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    tree: RTree<Entry>,
    /// Feature indices in Z-order; each tree entry is a range of this.
    order: Vec<u32>,
}

impl SpatialIndex {
    /// Index every feature that has a geometry.
    pub fn build(layer: &Layer) -> Self {
        let mut keyed: Vec<(u32, u32)> = layer
            .features
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((z_order(f.bbox()?), u32::try_from(i).ok()?)))
            .collect();
        keyed.sort_unstable();
        // Collected in place, `order` would keep the keyed list's allocation: twice its size
        // and more (the list grew by doubling).
        let mut order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        order.shrink_to_fit();
        let entries = order
            .chunks(BUCKET)
            .enumerate()
            .filter_map(|(n, run)| {
                let b = run
                    .iter()
                    .filter_map(|&i| layer.features[i as usize].bbox())
                    .reduce(|a, b| super::union(&a, &b))?;
                let start = u32::try_from(n * BUCKET).ok()?;
                let end = u32::try_from(n * BUCKET + run.len()).ok()?;
                let rect = Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
                Some(GeomWithData::new(rect, (start, end)))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            order,
        }
    }

    /// Indices of the features of `layer` (the layer the index was built from) whose bounding
    /// box meets `area` (lon/lat degrees), in no particular order.
    pub fn intersecting<'a>(
        &'a self,
        layer: &'a Layer,
        area: Rect<f64>,
    ) -> impl Iterator<Item = usize> + 'a {
        self.candidates(area)
            .filter(move |&i| Self::meets(layer, i, area))
    }

    /// Whether feature `i` of `layer` has a box that meets `area`.
    pub fn meets(layer: &Layer, i: usize, area: Rect<f64>) -> bool {
        layer
            .features
            .get(i)
            .and_then(Feature::bbox)
            .is_some_and(|b| b.intersects(&area))
    }

    /// Indices of the features in every run of neighbours whose box meets `area`: those of
    /// [`SpatialIndex::intersecting`] and the others of the same runs, which a query looks at
    /// (what a frame's work grows with, counted by the drawing path).
    pub fn candidates(&self, area: Rect<f64>) -> impl Iterator<Item = usize> + '_ {
        let envelope =
            AABB::from_corners([area.min().x, area.min().y], [area.max().x, area.max().y]);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .flat_map(move |e| {
                let (start, end) = e.data;
                self.order
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
            })
            .map(|&i| i as usize)
    }

    /// How many features are indexed.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The bytes its feature list holds (for tests that check it stays 4 bytes a feature).
    #[cfg(test)]
    fn order_bytes(&self) -> usize {
        self.order.capacity() * std::mem::size_of::<u32>()
    }
}

/// The Z-order (Morton) key of a box's centre on a 65,536² Web Mercator grid.
fn z_order(b: Rect<f64>) -> u32 {
    let c = b.center();
    let w = lon_lat_to_world(c.x, c.y);
    let cell = |v: f64| (v * 65_536.0).clamp(0.0, 65_535.0) as u32;
    spread(cell(w.x)) | (spread(cell(w.y)) << 1)
}

/// The 16 low bits of `v` moved to the even bits.
fn spread(v: u32) -> u32 {
    let mut v = v & 0xFFFF;
    v = (v | (v << 8)) & 0x00FF_00FF;
    v = (v | (v << 4)) & 0x0F0F_0F0F;
    v = (v | (v << 2)) & 0x3333_3333;
    (v | (v << 1)) & 0x5555_5555
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_str;
    use geo::coord;

    #[test]
    fn only_features_whose_box_meets_the_area_are_found() {
        let layer = read_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.66,11.262]},"properties":{}},
            {"type":"Feature","geometry":null,"properties":{}},
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[102,13],[103,14]]},"properties":{}}]}"#,
            "t",
        )
        .expect("valid");
        let index = SpatialIndex::build(&layer);
        assert_eq!(index.len(), 2);
        let near_mango: Vec<_> = index
            .intersecting(
                &layer,
                Rect::new(coord! {x: 104.6, y: 11.2}, coord! {x: 104.7, y: 11.3}),
            )
            .collect();
        assert_eq!(near_mango, [0]);
        let mid_line: Vec<_> = index
            .intersecting(
                &layer,
                Rect::new(coord! {x: 102.4, y: 13.4}, coord! {x: 102.5, y: 13.5}),
            )
            .collect();
        assert_eq!(mid_line, [2]);
    }

    #[test]
    fn the_index_finds_what_checking_every_feature_finds() {
        // 3,000 points on a pseudo-random walk over Cambodia: many runs, some overlapping.
        let mut state = 7_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1_u64 << 53) as f64
        };
        let features: Vec<String> = (0..3000)
            .map(|_| {
                let (x, y) = (102.3 + 5.3 * next(), 10.4 + 4.3 * next());
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x:.5},{y:.5}]}},"properties":{{}}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let layer = read_str(&text, "t").expect("valid");
        let index = SpatialIndex::build(&layer);
        for _ in 0..50 {
            let (x, y) = (102.0 + 6.0 * next(), 10.0 + 5.0 * next());
            let size = 0.01 + next();
            let area = Rect::new(coord! {x: x, y: y}, coord! {x: x + size, y: y + size});
            let mut found: Vec<usize> = index.intersecting(&layer, area).collect();
            found.sort_unstable();
            let expected: Vec<usize> = (0..layer.features.len())
                .filter(|&i| {
                    layer.features[i]
                        .bbox()
                        .is_some_and(|b| b.intersects(&area))
                })
                .collect();
            assert_eq!(found, expected);
        }
        // 4 bytes a feature: not the 8-byte (key, index) list it was sorted in, nor its slack.
        assert_eq!(index.order_bytes(), 4 * 3000);
    }
}

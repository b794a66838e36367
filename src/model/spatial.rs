//! A spatial index over a layer's feature bounding boxes (rstar R-tree), for hit-testing and
//! for drawing only what is in view.

use geo::Rect;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::Layer;

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Bounding boxes of a layer's features in lon/lat degrees, by feature index.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    tree: RTree<Entry>,
}

impl SpatialIndex {
    /// Index every feature that has a geometry.
    pub fn build(layer: &Layer) -> Self {
        let entries = layer
            .features
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let b = f.bbox()?;
                let rect = Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
                Some(GeomWithData::new(rect, i))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Indices of the features whose bounding box meets `area` (lon/lat degrees).
    pub fn intersecting(&self, area: Rect<f64>) -> impl Iterator<Item = usize> + '_ {
        let envelope =
            AABB::from_corners([area.min().x, area.min().y], [area.max().x, area.max().y]);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
    }

    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
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
            .intersecting(Rect::new(
                coord! {x: 104.6, y: 11.2},
                coord! {x: 104.7, y: 11.3},
            ))
            .collect();
        assert_eq!(near_mango, [0]);
        let mid_line: Vec<_> = index
            .intersecting(Rect::new(
                coord! {x: 102.4, y: 13.4},
                coord! {x: 102.5, y: 13.5},
            ))
            .collect();
        assert_eq!(mid_line, [2]);
    }
}

//! Which feature is under the pointer: points and lines within a few pixels, then polygons
//! containing it, topmost layer first, searched through each layer's index.

use std::collections::HashMap;

use egui::{Pos2, vec2};
use geo::{Geometry, Intersects, Rect};
use walkers::{Position, Projector};

use crate::model::{Document, FeatureRef, LayerId};
use crate::render::features::rings;
use crate::render::layer_view::LayerView;
use crate::render::screen::{line_points, screen};

/// How close (in screen pixels) the pointer must be to a point or line to pick it.
const PICK_TOLERANCE_PX: f32 = 8.0;

/// The topmost feature under `pos`: points and lines within the pick tolerance first, then
/// polygons containing the pointer.
pub(crate) fn hit_test(
    doc: &Document,
    views: &HashMap<LayerId, LayerView>,
    projector: &Projector,
    pos: Pos2,
    visible: Rect<f64>,
) -> Option<FeatureRef> {
    let tol = vec2(PICK_TOLERANCE_PX, PICK_TOLERANCE_PX);
    let a = projector.unproject((pos - tol).to_vec2());
    let b = projector.unproject((pos + tol).to_vec2());
    let area = Rect::new(a.0, b.0);
    if !area.intersects(&visible) {
        return None;
    }
    let here = projector.unproject(pos.to_vec2());
    let mut best: Option<(u8, f32, FeatureRef)> = None;
    for (layer_id, layer) in doc.layers().rev() {
        let Some(view) = views.get(&layer_id).filter(|v| v.visible) else {
            continue;
        };
        for index in view
            .index
            .intersecting(layer, area)
            .filter(|i| view.shows(*i))
        {
            let feature = &layer.features[index];
            // A point is measured without making its `geo::Geometry`.
            let picked = match feature.point() {
                Some(c) => {
                    let d = screen(projector, c).distance(pos);
                    (d <= PICK_TOLERANCE_PX).then_some((0, d))
                }
                None => feature.with_geometry(|g| pick_distance(projector, g?, pos, here)),
            };
            if let Some((rank, dist)) = picked {
                let r = FeatureRef {
                    layer: layer_id,
                    index,
                };
                if best.is_none_or(|(br, bd, _)| (rank, dist) < (br, bd)) {
                    best = Some((rank, dist, r));
                }
            }
        }
        if best.is_some() {
            // The topmost layer with a hit wins.
            break;
        }
    }
    best.map(|(_, _, r)| r)
}

/// (rank, screen distance) of a geometry from the pointer, if it is close enough to pick.
/// Rank 0 is a point, 1 a line, 2 the inside of a polygon.
fn pick_distance(
    projector: &Projector,
    geometry: &Geometry<f64>,
    pos: Pos2,
    here: Position,
) -> Option<(u8, f32)> {
    let near = |d: f32| (d <= PICK_TOLERANCE_PX).then_some(d);
    match geometry {
        Geometry::Point(p) => near(screen(projector, p.0).distance(pos)).map(|d| (0, d)),
        Geometry::MultiPoint(mp) => mp
            .iter()
            .filter_map(|p| near(screen(projector, p.0).distance(pos)))
            .reduce(f32::min)
            .map(|d| (0, d)),
        Geometry::LineString(l) => {
            near(polyline_distance(&line_points(projector, l), pos)).map(|d| (1, d))
        }
        Geometry::MultiLineString(ml) => ml
            .iter()
            .filter_map(|l| near(polyline_distance(&line_points(projector, l), pos)))
            .reduce(f32::min)
            .map(|d| (1, d)),
        Geometry::GeometryCollection(gc) => gc
            .iter()
            .filter_map(|g| pick_distance(projector, g, pos, here))
            .min_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)),
        other => {
            let edge = rings(other)
                .into_iter()
                .filter_map(|ring| near(polyline_distance(&line_points(projector, ring), pos)))
                .reduce(f32::min);
            match edge {
                Some(d) => Some((1, d)),
                None => other.intersects(&here).then_some((2, 0.0)),
            }
        }
    }
}

fn polyline_distance(points: &[Pos2], pos: Pos2) -> f32 {
    points
        .windows(2)
        .map(|w| segment_distance(w[0], w[1], pos))
        .fold(f32::INFINITY, f32::min)
}

fn segment_distance(a: Pos2, b: Pos2, p: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 == 0.0 {
        return a.distance(p);
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}
#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn segment_distance_is_perpendicular_inside_and_to_the_end_outside() {
        let a = pos2(0.0, 0.0);
        let b = pos2(10.0, 0.0);
        assert_eq!(segment_distance(a, b, pos2(5.0, 3.0)), 3.0);
        assert_eq!(segment_distance(a, b, pos2(13.0, 4.0)), 5.0);
    }
}

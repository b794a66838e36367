//! The differences on the map: added features (green +), removed ones (red ×), changed ones
//! (orange ring), moved points with an arrow from their old place; and for the conflict
//! picked on the conflict screen, its geometry in the base (grey, dashed), ours (blue) and
//! theirs (orange).

use egui::{Color32, Pos2, Stroke, vec2};
use geo::{Point, Rect};
use serde_json::Value;
use walkers::Projector;

use crate::model::Feature;
use crate::render::overlay::MapDrawing;

pub(crate) const ADDED: Color32 = Color32::from_rgb(0, 150, 70);
pub(crate) const REMOVED: Color32 = Color32::from_rgb(200, 40, 40);
pub(crate) const CHANGED: Color32 = Color32::from_rgb(230, 130, 0);
pub(crate) const BASE: Color32 = Color32::from_rgb(120, 120, 120);
pub(crate) const OURS: Color32 = Color32::from_rgb(30, 90, 200);
pub(crate) const THEIRS: Color32 = CHANGED;

/// Most marks drawn in one frame (those in view, in list order).
const MOST_MARKS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

/// One difference on the map.
#[derive(Debug, Clone)]
pub struct Mark {
    pub kind: Kind,
    /// The feature's place (a point, else the middle of its bounding box).
    pub at: Point<f64>,
    /// A moved point's old place.
    pub from: Option<Point<f64>>,
    /// What *zoom to* shows.
    pub area: Rect<f64>,
}

impl Mark {
    /// A mark for `feature`; `None` for a feature without a geometry.
    pub fn of(kind: Kind, feature: &Feature) -> Option<Self> {
        let area = feature.exact_bbox()?;
        let at = feature.point().map_or(area.center(), |c| c);
        Some(Self {
            kind,
            at: Point(at),
            from: None,
            area,
        })
    }
}

/// `area` with room around it (a quarter of its size on each side), for *zoom to*: the ends
/// of a move arrow and their labels are then not at the map's edge or under its buttons.
pub(crate) fn with_room(area: Rect<f64>) -> Rect<f64> {
    let pad = geo::coord! { x: area.width() * 0.25, y: area.height() * 0.25 };
    Rect::new(area.min() - pad, area.max() + pad)
}

/// A geometry drawn as lines (each part a line; a single position a dot).
#[derive(Debug, Clone)]
pub struct Outline {
    pub parts: Vec<Vec<Point<f64>>>,
    pub color: Color32,
    pub dashed: bool,
}

impl Outline {
    /// The positions of a GeoJSON geometry value, part by part.
    pub fn of_geometry(geometry: Option<&Value>, color: Color32, dashed: bool) -> Self {
        let mut parts = Vec::new();
        if let Some(g) = geometry {
            collect(g, &mut parts);
        }
        Self {
            parts,
            color,
            dashed,
        }
    }
}

/// Walk `coordinates` (and a collection's `geometries`) down to lists of positions.
fn collect(value: &Value, parts: &mut Vec<Vec<Point<f64>>>) {
    let position = |v: &Value| -> Option<Point<f64>> {
        let a = v.as_array()?;
        Some(Point::new(a.first()?.as_f64()?, a.get(1)?.as_f64()?))
    };
    match value {
        Value::Object(o) => {
            if let Some(c) = o.get("coordinates") {
                collect(c, parts);
            }
            if let Some(Value::Array(gs)) = o.get("geometries") {
                gs.iter().for_each(|g| collect(g, parts));
            }
        }
        Value::Array(items) => {
            if let Some(p) = position(value) {
                parts.push(vec![p]);
            } else if items.first().and_then(position).is_some() {
                parts.push(items.iter().filter_map(position).collect());
            } else {
                items.iter().for_each(|i| collect(i, parts));
            }
        }
        _ => {}
    }
}

/// Everything the team windows draw on the map.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub marks: Vec<Mark>,
    pub outlines: Vec<Outline>,
}

impl MapDrawing for Marks {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        let view = painter.clip_rect().expand(24.0);
        for outline in &self.outlines {
            paint_outline(painter, projector, outline);
        }
        let mut drawn = 0;
        for mark in &self.marks {
            let at = projector.project(mark.at).to_pos2();
            let from = mark.from.map(|p| projector.project(p).to_pos2());
            if !view.contains(at) && !from.is_some_and(|f| view.contains(f)) {
                continue;
            }
            drawn += 1;
            if drawn > MOST_MARKS {
                break;
            }
            paint_mark(painter, mark.kind, at, from);
        }
    }
}

fn paint_mark(painter: &egui::Painter, kind: Kind, at: Pos2, from: Option<Pos2>) {
    let halo = Stroke::new(4.5, Color32::from_white_alpha(200));
    let r = 9.0;
    match kind {
        Kind::Added => {
            for stroke in [halo, Stroke::new(2.5, ADDED)] {
                painter.circle_stroke(at, r, stroke);
                painter.line_segment([at - vec2(5.0, 0.0), at + vec2(5.0, 0.0)], stroke);
                painter.line_segment([at - vec2(0.0, 5.0), at + vec2(0.0, 5.0)], stroke);
            }
        }
        Kind::Removed => {
            for stroke in [halo, Stroke::new(2.5, REMOVED)] {
                painter.line_segment([at - vec2(6.0, 6.0), at + vec2(6.0, 6.0)], stroke);
                painter.line_segment([at + vec2(-6.0, 6.0), at + vec2(6.0, -6.0)], stroke);
            }
        }
        Kind::Changed => {
            if let Some(from) = from {
                arrow(painter, from, at, Stroke::new(2.5, CHANGED));
            }
            painter.circle_stroke(at, r, halo);
            painter.circle_stroke(at, r, Stroke::new(2.5, CHANGED));
        }
    }
}

/// A line from `from` to `to` with a head at `to`.
fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    let d = to - from;
    let length = d.length();
    if length < 1.0 {
        return;
    }
    let dir = d / length;
    // The head ends at the ring around the new place.
    let tip = to - dir * 9.0_f32.min(length);
    painter.line_segment([from, tip], stroke);
    let back = -dir * 9.0;
    let side = vec2(-dir.y, dir.x) * 5.0;
    painter.line_segment([tip, tip + back + side], stroke);
    painter.line_segment([tip, tip + back - side], stroke);
    painter.circle_filled(from, 3.0, stroke.color);
}

fn paint_outline(painter: &egui::Painter, projector: &Projector, outline: &Outline) {
    let stroke = Stroke::new(3.0, outline.color);
    for part in &outline.parts {
        let points: Vec<Pos2> = part
            .iter()
            .map(|p| projector.project(*p).to_pos2())
            .collect();
        match points.as_slice() {
            [one] => {
                painter.circle_stroke(*one, 7.0, stroke);
            }
            _ if outline.dashed => {
                painter.extend(egui::Shape::dashed_line(&points, stroke, 8.0, 5.0));
            }
            _ => {
                painter.add(egui::Shape::line(points, stroke));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn geometry_values_are_walked_to_their_parts() {
        let point = Outline::of_geometry(
            Some(&json!({"type": "Point", "coordinates": [104.9, 11.5]})),
            OURS,
            false,
        );
        assert_eq!(point.parts, vec![vec![Point::new(104.9, 11.5)]]);
        let polygon = Outline::of_geometry(
            Some(
                &json!({"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [0, 1], [0, 0]]], [[[5, 5], [6, 5], [5, 6], [5, 5]]]]}),
            ),
            OURS,
            false,
        );
        assert_eq!(polygon.parts.len(), 2);
        assert_eq!(polygon.parts[1][0], Point::new(5.0, 5.0));
        assert!(Outline::of_geometry(None, OURS, false).parts.is_empty());
    }
}

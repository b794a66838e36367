//! What others changed, as the last refresh found it, drawn over the map: a ring around each
//! feature they changed (amber) or added (green), a cross where a feature they deleted was
//! (red), as a comparison of two versions marks them.

use egui::{Color32, Stroke};
use geo::Point;
use walkers::Projector;

use crate::model::Feature;
use crate::render::overlay::MapDrawing;

pub(crate) const CHANGED: Color32 = Color32::from_rgb(230, 140, 0);
pub(crate) const ADDED: Color32 = Color32::from_rgb(20, 150, 60);
pub(crate) const REMOVED: Color32 = Color32::from_rgb(200, 30, 30);

/// The places to mark.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    pub changed: Vec<Point<f64>>,
    pub added: Vec<Point<f64>>,
    pub removed: Vec<Point<f64>>,
}

/// Where to mark a feature: its point, or the middle of its bounding box.
fn place(feature: &Feature) -> Option<Point<f64>> {
    if let Some(point) = feature.point() {
        return Some(point.into());
    }
    feature.bbox().map(|r| r.center().into())
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// A feature others changed (`before`: as it was here; marked where it is now, and where
    /// it was when they moved it).
    pub fn changed(&mut self, before: Option<&Feature>, now: &Feature) {
        let now = place(now);
        self.changed.extend(now);
        if let Some(old) = before.and_then(place).filter(|p| Some(*p) != now) {
            self.changed.push(old);
        }
    }

    pub fn added(&mut self, feature: &Feature) {
        self.added.extend(place(feature));
    }

    pub fn removed(&mut self, feature: &Feature) {
        self.removed.extend(place(feature));
    }
}

impl MapDrawing for Marks {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        let ring = |p: &Point<f64>, color: Color32| {
            let at = projector.project(*p).to_pos2();
            painter.circle_stroke(at, 11.0, Stroke::new(3.0, Color32::WHITE));
            painter.circle_stroke(at, 11.0, Stroke::new(2.0, color));
        };
        for p in &self.changed {
            ring(p, CHANGED);
        }
        for p in &self.added {
            ring(p, ADDED);
        }
        for p in &self.removed {
            let at = projector.project(*p).to_pos2();
            let d = 8.0;
            for stroke in [Stroke::new(4.0, Color32::WHITE), Stroke::new(2.5, REMOVED)] {
                painter.line_segment([at + egui::vec2(-d, -d), at + egui::vec2(d, d)], stroke);
                painter.line_segment([at + egui::vec2(-d, d), at + egui::vec2(d, -d)], stroke);
            }
        }
    }
}

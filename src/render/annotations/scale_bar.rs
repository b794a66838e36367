//! The metric scale bar and the credit lines painted at the map's bottom corners.
//!
//! The scale bar's length is measured, not assumed: the distance between two points a hundred
//! pixels apart at the bar's own height is taken geodesically on WGS84
//! ([`crate::measure::distance_m`]), so it stays true at any latitude of the Web Mercator map.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, pos2, vec2};
use walkers::Projector;

/// A round length for the scale bar: the longest 1, 2 or 5 × 10ⁿ metres that fits in
/// `max_px` at `metres_per_px`. Returns `(metres, pixels)`.
pub fn nice_scale(metres_per_px: f64, max_px: f64) -> Option<(f64, f64)> {
    if !(metres_per_px.is_finite() && metres_per_px > 0.0 && max_px > 0.0) {
        return None;
    }
    let max_m = metres_per_px * max_px;
    let power = 10f64.powf(max_m.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * power)
        .find(|m| *m <= max_m)?;
    Some((metres, metres / metres_per_px))
}

/// "500 m", "2 km", "0.5 m".
pub fn format_scale(metres: f64) -> String {
    if metres >= 1000.0 {
        format!("{} km", trim_number(metres / 1000.0))
    } else {
        format!("{} m", trim_number(metres))
    }
}

fn trim_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The scale bar at the map's bottom left, laid out: where it goes (for labels to keep
/// clear of) before it is painted over the data.
pub struct ScaleBar {
    back: Rect,
    left: Pos2,
    end: Pos2,
    text_pos: Pos2,
    galley: std::sync::Arc<egui::Galley>,
}

const SCALE_INK: Color32 = Color32::from_rgb(40, 40, 44);

impl ScaleBar {
    /// The scale bar of `projector`'s map, or none where no length can be measured.
    pub fn new(painter: &egui::Painter, projector: &Projector) -> Option<Self> {
        let rect = projector.clip_rect();
        let left = pos2(rect.left() + 14.0, rect.bottom() - 14.0);
        const PROBE_PX: f32 = 100.0;
        let a = projector.unproject(left.to_vec2());
        let b = projector.unproject((left + vec2(PROBE_PX, 0.0)).to_vec2());
        let metres_per_px = crate::measure::distance_m(a, b) / f64::from(PROBE_PX);
        let (metres, px) = nice_scale(metres_per_px, 120.0)?;
        let px = px as f32;
        let galley =
            painter.layout_no_wrap(format_scale(metres), FontId::proportional(11.5), SCALE_INK);
        let text_pos = left + vec2(px + 6.0, -galley.size().y / 2.0 - 3.0);
        let back = Rect::from_min_max(
            left - vec2(6.0, 15.0),
            pos2(text_pos.x + galley.size().x + 5.0, left.y + 5.0),
        );
        Some(Self {
            back,
            left,
            end: left + vec2(px, 0.0),
            text_pos,
            galley,
        })
    }

    /// What the scale bar covers.
    pub fn rect(&self) -> Rect {
        self.back
    }

    pub fn paint(self, painter: &egui::Painter) {
        painter.rect_filled(self.back, 3.0, Color32::from_white_alpha(200));
        let stroke = Stroke::new(2.0, SCALE_INK);
        painter.line_segment([self.left, self.end], stroke);
        for x in [self.left, self.end] {
            painter.line_segment([x, x - vec2(0.0, 7.0)], stroke);
        }
        painter.galley(self.text_pos, self.galley, SCALE_INK);
    }
}

/// What the scale bar may take at the bottom left (its longest bar, label and margins): the
/// credit lines keep right of it.
const SCALE_BAR_ROOM: f32 = 200.0;

/// How wide a credit line may be before it wraps: the map's width right of the scale bar.
fn credit_wrap_width(map_rect: Rect) -> f32 {
    (map_rect.width() - SCALE_BAR_ROOM - 8.0).max(120.0)
}

/// The credit lines laid out right-aligned at the map's bottom right, the first at the bottom and
/// each next one above it, wrapped to stay right of the scale bar (a long credit takes as many
/// lines as it needs and the next one goes above all of them): for each, where its text goes and
/// what its backing covers.
pub fn credit_layouts(
    painter: &egui::Painter,
    map_rect: Rect,
    texts: &[&str],
    ink: Color32,
) -> Vec<(std::sync::Arc<egui::Galley>, Rect, Rect)> {
    let padding = vec2(5.0, 2.0);
    let mut bottom_right = map_rect.right_bottom() - vec2(4.0, 4.0);
    texts
        .iter()
        .map(|text| {
            let galley = painter.layout(
                (*text).to_owned(),
                FontId::proportional(11.0),
                ink,
                credit_wrap_width(map_rect),
            );
            let text_rect = Align2::RIGHT_BOTTOM.anchor_size(bottom_right - padding, galley.size());
            let back = text_rect.expand2(padding);
            bottom_right.y = back.top() - 2.0;
            (galley, text_rect, back)
        })
        .collect()
}

/// Paint the credit lines at the map's bottom right, the first at the bottom.
pub fn paint_credits(painter: &egui::Painter, map_rect: Rect, texts: &[&str]) {
    let ink = Color32::from_rgb(35, 35, 38);
    for (galley, text_rect, back) in credit_layouts(painter, map_rect, texts, ink) {
        painter.rect_filled(back, 3.0, Color32::from_white_alpha(215));
        painter.galley(text_rect.min, galley, ink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_bar_takes_the_longest_round_length_that_fits() {
        // 100 m per pixel, 120 px at most: 12 km fits, the round length is 10 km.
        let (m, px) = nice_scale(100.0, 120.0).expect("a length");
        assert_eq!(m, 10_000.0);
        assert!((px - 100.0).abs() < 1e-9);
        // 30 m per pixel: 3.6 km fits, 2 km is the round length.
        assert_eq!(nice_scale(30.0, 120.0).map(|s| s.0), Some(2000.0));
        // 0.5 m per pixel: 60 m fits, 50 m.
        assert_eq!(nice_scale(0.5, 120.0).map(|s| s.0), Some(50.0));
        assert_eq!(nice_scale(0.0, 120.0), None);
        assert_eq!(nice_scale(f64::NAN, 120.0), None);
    }

    #[test]
    fn scale_lengths_read_in_metres_or_kilometres() {
        assert_eq!(format_scale(500.0), "500 m");
        assert_eq!(format_scale(2000.0), "2 km");
        assert_eq!(format_scale(50_000.0), "50 km");
        assert_eq!(format_scale(0.5), "0.5 m");
    }
}

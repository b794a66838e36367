//! Navigation people expect on a map: zoom buttons (+, −, zoom to all), the keyboard (arrows pan,
//! + and − zoom) and a metric scale bar.
//!
//! The scale bar's length is measured, not assumed: the distance between two points a hundred
//! pixels apart at the bar's own height is taken geodesically on WGS84
//! ([`crate::measure::distance_m`]), so it stays true at any latitude of the Web Mercator map.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2, pos2, vec2};
use walkers::Projector;

/// What the user asked of the map through the controls this frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Navigation {
    /// Zoom steps, + in, − out.
    pub zoom_steps: i32,
    /// Move the view by this many screen points (the map content moves the other way).
    pub pan: Vec2,
    /// Fit everything shown into the view.
    pub zoom_to_all: bool,
}

impl Navigation {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Arrow keys pan by a fifth of the view; + (or =) and − zoom one step. Ignored while a text
/// field has the keyboard, and with Ctrl/⌘ (which zoom egui's whole interface).
pub fn keyboard(ctx: &egui::Context, view: Vec2) -> Navigation {
    if ctx.egui_wants_keyboard_input() {
        return Navigation::default();
    }
    ctx.input(|i| {
        let mut nav = Navigation::default();
        if i.modifiers.command || i.modifiers.ctrl || i.modifiers.alt {
            return nav;
        }
        let step = view * 0.2;
        for (key, dir) in [
            (egui::Key::ArrowLeft, vec2(-1.0, 0.0)),
            (egui::Key::ArrowRight, vec2(1.0, 0.0)),
            (egui::Key::ArrowUp, vec2(0.0, -1.0)),
            (egui::Key::ArrowDown, vec2(0.0, 1.0)),
        ] {
            if i.key_pressed(key) {
                nav.pan += dir * step;
            }
        }
        for key in [egui::Key::Plus, egui::Key::Equals] {
            if i.key_pressed(key) {
                nav.zoom_steps += 1;
            }
        }
        if i.key_pressed(egui::Key::Minus) {
            nav.zoom_steps -= 1;
        }
        nav
    })
}

/// The zoom buttons, in a column at the map's top left.
pub fn zoom_buttons(ctx: &egui::Context, map_rect: Rect) -> Navigation {
    let mut nav = Navigation::default();
    egui::Area::new(egui::Id::unique("map-zoom-buttons"))
        .fixed_pos(map_rect.left_top() + vec2(10.0, 10.0))
        .constrain_to(map_rect)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(4.0)
                .show(ui, |ui| {
                    let size = vec2(30.0, 26.0);
                    let button = |text: egui::RichText| {
                        egui::Button::new(text)
                            .min_size(size)
                            .wrap_mode(egui::TextWrapMode::Extend)
                    };
                    if ui
                        .add(button(big("+")))
                        .on_hover_text("Zoom in (+)")
                        .clicked()
                    {
                        nav.zoom_steps += 1;
                    }
                    if ui
                        .add(button(big("−")))
                        .on_hover_text("Zoom out (−)")
                        .clicked()
                    {
                        nav.zoom_steps -= 1;
                    }
                    if ui
                        .add(button(egui::RichText::new("All").size(12.5)))
                        .on_hover_text("Zoom to all layers")
                        .clicked()
                    {
                        nav.zoom_to_all = true;
                    }
                });
        });
    nav
}

fn big(text: &str) -> egui::RichText {
    egui::RichText::new(text).size(17.0)
}

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

/// Paint the scale bar at the map's bottom left.
pub fn paint_scale_bar(painter: &egui::Painter, projector: &Projector) {
    let rect = projector.clip_rect();
    let left = pos2(rect.left() + 14.0, rect.bottom() - 14.0);
    const PROBE_PX: f32 = 100.0;
    let a = projector.unproject(left.to_vec2());
    let b = projector.unproject((left + vec2(PROBE_PX, 0.0)).to_vec2());
    let metres_per_px = crate::measure::distance_m(a, b) / f64::from(PROBE_PX);
    let Some((metres, px)) = nice_scale(metres_per_px, 120.0) else {
        return;
    };
    let px = px as f32;
    let ink = Color32::from_rgb(40, 40, 44);
    let label = format_scale(metres);
    let galley = painter.layout_no_wrap(label, FontId::proportional(11.5), ink);
    let text_pos = left + vec2(px + 6.0, -galley.size().y / 2.0 - 3.0);
    let back = Rect::from_min_max(
        left - vec2(6.0, 15.0),
        pos2(text_pos.x + galley.size().x + 5.0, left.y + 5.0),
    );
    painter.rect_filled(back, 3.0, Color32::from_white_alpha(200));
    let end = left + vec2(px, 0.0);
    let stroke = Stroke::new(2.0, ink);
    painter.line_segment([left, end], stroke);
    for x in [left, end] {
        painter.line_segment([x, x - vec2(0.0, 7.0)], stroke);
    }
    painter.galley(text_pos, galley, ink);
}

/// Where the map's attribution lines start (bottom right), for other painters to stay clear.
pub fn credit_anchor(map_rect: Rect, row: usize) -> Pos2 {
    map_rect.right_bottom() - vec2(4.0, 4.0 + 20.0 * row as f32)
}

/// Paint one credit line right-aligned at the map's bottom right, `row` lines up from the
/// bottom (row 0 is the offline basemap's).
pub fn paint_credit(painter: &egui::Painter, map_rect: Rect, row: usize, text: &str) {
    let ink = Color32::from_rgb(35, 35, 38);
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(11.0), ink);
    let padding = vec2(5.0, 2.0);
    let text_rect =
        Align2::RIGHT_BOTTOM.anchor_size(credit_anchor(map_rect, row) - padding, galley.size());
    painter.rect_filled(
        text_rect.expand2(padding),
        3.0,
        Color32::from_white_alpha(215),
    );
    painter.galley(text_rect.min, galley, ink);
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

//! Two basemaps compared on one map, as the window and images show it: the divider of a swipe
//! with each basemap's name on its side, and the small name tags (also the dated release's name
//! on a map without a comparison).

use egui::{Color32, FontId, Pos2, Rect as ScreenRect, Stroke, pos2, vec2};

/// Where the divider is, for a swipe at `fraction` of the width from the left (0 to 1).
pub fn divider_x(rect: ScreenRect, fraction: f32) -> f32 {
    rect.left() + rect.width() * fraction.clamp(0.0, 1.0)
}

/// The parts of `rect` left and right of a divider at `x`.
pub fn sides(rect: ScreenRect, x: f32) -> (ScreenRect, ScreenRect) {
    let mut left = rect;
    left.max.x = x.clamp(rect.left(), rect.right());
    let mut right = rect;
    right.min.x = left.max.x;
    (left, right)
}

/// The divider at `x` and the two basemaps' names either side of it, `names_y` below the top.
pub fn paint_divider(
    painter: &egui::Painter,
    rect: ScreenRect,
    x: f32,
    names: [&str; 2],
    names_y: f32,
) {
    painter.line_segment(
        [pos2(x, rect.top()), pos2(x, rect.bottom())],
        Stroke::new(3.0, Color32::from_gray(30)),
    );
    painter.line_segment(
        [pos2(x, rect.top()), pos2(x, rect.bottom())],
        Stroke::new(1.5, Color32::WHITE),
    );
    let y = rect.top() + names_y;
    let [left, right] = names;
    paint_tag(
        painter,
        pos2(x - 8.0, y),
        egui::Align2::RIGHT_TOP,
        &format!("‹ {left}"),
    );
    paint_tag(
        painter,
        pos2(x + 8.0, y),
        egui::Align2::LEFT_TOP,
        &format!("{right} ›"),
    );
}

/// A short text in a white box anchored at `at`.
pub fn paint_tag(painter: &egui::Painter, at: Pos2, align: egui::Align2, text: &str) {
    let ink = Color32::from_rgb(20, 20, 24);
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(14.0), ink);
    let padding = vec2(6.0, 3.0);
    let rect = align.anchor_size(at, galley.size() + 2.0 * padding);
    painter.rect_filled(rect, 3.0, Color32::from_white_alpha(230));
    painter.galley(rect.min + padding, galley, ink);
}

/// What a blend says on the map: both basemaps' names and the second's opacity.
pub fn blend_label(names: [&str; 2], blend: f32) -> String {
    format!(
        "{} blended with {} at {:.0} %",
        names[0],
        names[1],
        blend.clamp(0.0, 1.0) * 100.0
    )
}

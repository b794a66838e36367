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
    let left = tag(painter, format!("‹ {left}"));
    let right = tag(painter, format!("{right} ›"));
    // Each name beside the divider on its own side; one that would run off the map is moved
    // inside it (and one row down, so the two never cover each other).
    let margin = 4.0;
    let mut left_rect = egui::Align2::RIGHT_TOP.anchor_size(pos2(x - 8.0, y), left.1);
    let mut right_rect = egui::Align2::LEFT_TOP.anchor_size(pos2(x + 8.0, y), right.1);
    let row = left.1.y.max(right.1.y) + margin;
    if left_rect.left() < rect.left() + margin {
        left_rect = left_rect.translate(vec2(rect.left() + margin - left_rect.left(), row));
    }
    if right_rect.right() > rect.right() - margin {
        right_rect = right_rect.translate(vec2(rect.right() - margin - right_rect.right(), row));
    }
    if left_rect.intersects(right_rect) {
        right_rect =
            right_rect.translate(vec2(0.0, left_rect.bottom() + margin - right_rect.top()));
    }
    paint_tag_at(painter, left_rect, left.0);
    paint_tag_at(painter, right_rect, right.0);
}

/// A tag's text laid out, and the size of its box.
fn tag(painter: &egui::Painter, text: String) -> (std::sync::Arc<egui::Galley>, egui::Vec2) {
    let galley = painter.layout_no_wrap(text, FontId::proportional(14.0), TAG_INK);
    let size = galley.size() + 2.0 * TAG_PADDING;
    (galley, size)
}

const TAG_INK: Color32 = Color32::from_rgb(20, 20, 24);
const TAG_PADDING: egui::Vec2 = vec2(6.0, 3.0);

/// A tag's white box at `rect` with its text.
fn paint_tag_at(painter: &egui::Painter, rect: ScreenRect, galley: std::sync::Arc<egui::Galley>) {
    painter.rect_filled(rect, 3.0, Color32::from_white_alpha(230));
    painter.galley(rect.min + TAG_PADDING, galley, TAG_INK);
}

/// A short text in a white box anchored at `at`.
pub fn paint_tag(painter: &egui::Painter, at: Pos2, align: egui::Align2, text: &str) {
    let (galley, size) = tag(painter, text.to_owned());
    paint_tag_at(painter, align.anchor_size(at, size), galley);
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

//! Point symbols and legend swatches, painted the same on the map, in the legend, in the layers
//! panel and in exported images.

use egui::{Color32, Pos2, Rect, Shape, Stroke, vec2};

use crate::style::{Swatch, Symbol};

/// Draw one point symbol of `radius` screen points centred `at`, with a white halo so it stays
/// visible over any basemap.
pub fn paint_point(painter: &egui::Painter, at: Pos2, symbol: Symbol, color: Color32, radius: f32) {
    let r = radius;
    // The halo fades with the symbol, so a translucent layer does not leave white rings.
    let halo = Stroke::new(
        1.5,
        Color32::WHITE.gamma_multiply(f32::from(color.a()) / 255.0),
    );
    match symbol {
        Symbol::Dot => {
            painter.circle(at, r, color, halo);
        }
        Symbol::Ring => {
            let ring = (r * 5.0 / 12.0).clamp(2.0, 4.5);
            painter.circle_stroke(at, r + 3.5, Stroke::new(ring + 2.0, halo.color));
            painter.circle_stroke(at, r + 3.5, Stroke::new(ring, color));
        }
        Symbol::Diamond => {
            let d = r * 1.3;
            let points = vec![
                at - vec2(0.0, d),
                at + vec2(d, 0.0),
                at + vec2(0.0, d),
                at - vec2(d, 0.0),
            ];
            painter.add(Shape::convex_polygon(points, color, halo));
        }
        Symbol::Square => {
            painter.rect(
                Rect::from_center_size(at, vec2(2.0 * r, 2.0 * r)),
                1.0,
                color,
                halo,
                egui::StrokeKind::Outside,
            );
        }
        Symbol::Triangle => {
            let d = r * 1.35;
            let points = vec![
                at + vec2(0.0, -d),
                at + vec2(d * 0.866, d * 0.5),
                at + vec2(-d * 0.866, d * 0.5),
            ];
            painter.add(Shape::convex_polygon(points, color, halo));
        }
    }
}

/// The outer radius a symbol covers (for placing labels beside it).
pub fn symbol_extent(symbol: Symbol, radius: f32) -> f32 {
    match symbol {
        Symbol::Ring => radius + 5.5,
        Symbol::Diamond | Symbol::Triangle => radius * 1.35,
        Symbol::Dot | Symbol::Square => radius + 1.0,
    }
}

/// Draw a legend entry's sample centred in `rect`.
pub fn paint_swatch(painter: &egui::Painter, rect: Rect, swatch: Swatch, color: Color32) {
    match swatch {
        Swatch::Point { symbol, radius } => {
            paint_point(painter, rect.center(), symbol, color, radius);
        }
        Swatch::Line { width } => {
            let y = rect.center().y;
            painter.line_segment(
                [
                    Pos2::new(rect.left() + 2.0, y),
                    Pos2::new(rect.right() - 2.0, y),
                ],
                Stroke::new(width, color),
            );
        }
        Swatch::Area => {
            let r = rect.shrink(3.0);
            painter.rect(
                r,
                2.0,
                color.gamma_multiply(0.35),
                Stroke::new(1.5, color),
                egui::StrokeKind::Inside,
            );
        }
    }
}

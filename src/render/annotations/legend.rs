//! The legend drawn on the map (in the window and in exported images): for each visible layer
//! that is in the legend, its heading and one row per colour or size (`crate::style::Legend`).

use std::collections::HashMap;
use std::sync::Arc;

use egui::{Color32, FontId, Galley, Pos2, Rect, Stroke, vec2};

use crate::model::{Document, LayerId};
use crate::render::layer_view::{LayerView, color32};
use crate::render::symbols::{paint_swatch, symbol_extent};
use crate::style::{Legend, Swatch};

/// The legends of the visible layers that are in the legend, top layer first.
pub fn legends(doc: &Document, views: &HashMap<LayerId, LayerView>) -> Vec<Legend> {
    doc.layers()
        .rev()
        .filter_map(|(id, _)| {
            let view = views
                .get(&id)
                .filter(|v| v.visible && v.style().in_legend)?;
            view.legend().filter(|l| !l.entries.is_empty())
        })
        .collect()
}

const INK: Color32 = Color32::from_rgb(30, 30, 34);
const SWATCH_W: f32 = 30.0;
const PADDING: f32 = 8.0;

fn row_height(swatch: Swatch) -> f32 {
    match swatch {
        Swatch::Point { symbol, radius } => (2.0 * symbol_extent(symbol, radius) + 4.0).max(18.0),
        _ => 18.0,
    }
}

fn swatch_width(swatch: Swatch) -> f32 {
    match swatch {
        Swatch::Point { symbol, radius } => {
            (2.0 * symbol_extent(symbol, radius) + 4.0).max(SWATCH_W)
        }
        _ => SWATCH_W,
    }
}

/// A legend laid out, ready to paint: its size and its texts.
pub struct LegendLayout {
    pub size: egui::Vec2,
    swatch_w: f32,
    blocks: Vec<(Arc<Galley>, Vec<Row>)>,
}

struct Row {
    swatch: Swatch,
    color: Color32,
    label: Arc<Galley>,
    height: f32,
}

/// Lay out the legends; `None` when there is nothing to show.
pub fn layout_legend(painter: &egui::Painter, legends: &[Legend]) -> Option<LegendLayout> {
    if legends.is_empty() {
        return None;
    }
    let title_font = FontId::proportional(13.0);
    let entry_font = FontId::proportional(12.0);
    let swatch_w = legends
        .iter()
        .flat_map(|l| &l.entries)
        .map(|e| swatch_width(e.swatch))
        .fold(SWATCH_W, f32::max);
    let mut blocks = Vec::new();
    let mut width: f32 = 0.0;
    let mut height = PADDING;
    for legend in legends {
        let title = painter.layout_no_wrap(legend.title.clone(), title_font.clone(), INK);
        width = width.max(title.size().x);
        height += title.size().y + 4.0;
        let mut rows = Vec::new();
        for entry in &legend.entries {
            let label = painter.layout_no_wrap(entry.label.clone(), entry_font.clone(), INK);
            width = width.max(swatch_w + 6.0 + label.size().x);
            let h = row_height(entry.swatch).max(label.size().y);
            height += h;
            rows.push(Row {
                swatch: entry.swatch,
                color: color32(entry.color),
                label,
                height: h,
            });
        }
        height += 6.0;
        blocks.push((title, rows));
    }
    Some(LegendLayout {
        swatch_w,
        size: vec2(width + 2.0 * PADDING, height + PADDING - 6.0),
        blocks,
    })
}

/// Where the legend of `size` goes in `map_rect`: the corner (bottom left first, then bottom
/// right, top right and top left, each clear of the map's own controls and credits) whose
/// rectangle covers the fewest of the data's point symbols (`symbols`).
pub fn legend_rect(map_rect: Rect, size: egui::Vec2, symbols: &[Rect]) -> Rect {
    let candidates = [
        Rect::from_min_size(map_rect.left_bottom() + vec2(8.0, -36.0 - size.y), size),
        Rect::from_min_size(
            map_rect.right_bottom() + vec2(-8.0 - size.x, -36.0 - size.y),
            size,
        ),
        Rect::from_min_size(map_rect.right_top() + vec2(-8.0 - size.x, 64.0), size),
        Rect::from_min_size(map_rect.left_top() + vec2(56.0, 48.0), size),
    ];
    let covered = |rect: &Rect| symbols.iter().filter(|s| s.intersects(*rect)).count();
    // `min_by_key` keeps the first of equals: bottom left unless another corner covers less.
    candidates
        .into_iter()
        .min_by_key(covered)
        .unwrap_or(candidates[0])
}

/// Paint a laid-out legend in `rect`.
pub fn paint_legend(painter: &egui::Painter, rect: Rect, layout: LegendLayout) {
    painter.rect(
        rect,
        4.0,
        Color32::from_white_alpha(225),
        Stroke::new(1.0, Color32::from_gray(180)),
        egui::StrokeKind::Inside,
    );
    let mut y = rect.top() + PADDING;
    let x = rect.left() + PADDING;
    for (title, rows) in layout.blocks {
        let h = title.size().y;
        painter.galley(Pos2::new(x, y), title, INK);
        y += h + 4.0;
        for row in rows {
            let swatch = Rect::from_min_size(Pos2::new(x, y), vec2(layout.swatch_w, row.height));
            paint_swatch(painter, swatch, row.swatch, row.color);
            let label_y = y + (row.height - row.label.size().y) / 2.0;
            painter.galley(
                Pos2::new(x + layout.swatch_w + 6.0, label_y),
                row.label,
                INK,
            );
            y += row.height;
        }
        y += 6.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_goes_where_it_hides_the_fewest_symbols() {
        let map = Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 600.0));
        let size = vec2(200.0, 150.0);
        let at = |x: f32, y: f32| Rect::from_center_size(Pos2::new(x, y), vec2(10.0, 10.0));
        // Nothing hidden anywhere: bottom left.
        let free = legend_rect(map, size, &[]);
        assert_eq!(free.left_bottom(), Pos2::new(8.0, 564.0));
        // A symbol in the bottom-left corner: the next corner, bottom right.
        let moved = legend_rect(map, size, &[at(50.0, 500.0)]);
        assert_eq!(moved.right_bottom(), Pos2::new(992.0, 564.0));
        // Symbols in both bottom corners: the top right, below the map's buttons.
        let top = legend_rect(map, size, &[at(50.0, 500.0), at(950.0, 500.0)]);
        assert_eq!(top.right_top(), Pos2::new(992.0, 64.0));
        assert!(map.contains_rect(top));
    }
}

//! Labels of the data (point names, kept measurements' numbers) placed greedily so none
//! overlaps another, the legend or, where possible, a point symbol. A point's name with no
//! room beside it (a cluster) is set a little further out with a leader line to its symbol
//! before it is given up; a feature left unlabelled is still named on hover (`ui::map`).

use egui::{Color32, FontId, Pos2, Rect as ScreenRect, pos2, vec2};
use geo::{Coord, Geometry, Rect};
use walkers::Projector;

use crate::measure::{self, Units};
use crate::model::{FeatureRef, Layer};
use crate::render::features::{Layers, in_view};
use crate::render::frame_cache::{LabelText, LabelTexts};
use crate::render::layer_view::LayerView;
use crate::render::rect_grid::RectGrid;
use crate::render::screen::screen;
use crate::render::symbols::symbol_extent;

/// The most point symbols the basemap's labels keep clear of (beyond that many the map is
/// full of data anyway, and the check would cost more than it gives).
const MAX_CLEAR_SYMBOLS: usize = 2000;

/// Where the visible point symbols are drawn, so the basemap's labels keep clear of them.
pub(crate) fn point_symbol_rects(
    projector: &Projector,
    layers: Layers<'_>,
    visible: Rect<f64>,
) -> Vec<ScreenRect> {
    if !layers.2.labels() {
        // So many features in view that the map is full of data: no need to keep clear.
        return Vec::new();
    }
    in_view(layers, visible)
        .filter_map(|(_, layer, view, index)| {
            let feature = &layer.features[index];
            let p = feature.point()?;
            let style = view.feature_style(layer, index);
            let extent = symbol_extent(style.symbol, style.radius);
            Some(ScreenRect::from_center_size(
                screen(projector, p),
                vec2(2.0 * extent, 2.0 * extent),
            ))
        })
        .take(MAX_CLEAR_SYMBOLS)
        .collect()
}

/// Where the label of an area or a line goes: a point inside the area (not its centroid,
/// which may lie outside), or the line's middle vertex.
fn label_anchor(geometry: &Geometry<f64>) -> Option<Coord<f64>> {
    use geo::InteriorPoint;
    match geometry {
        Geometry::LineString(l) => l.0.get(l.0.len() / 2).copied(),
        Geometry::MultiLineString(ml) => ml.0.first().and_then(|l| l.0.get(l.0.len() / 2).copied()),
        Geometry::Polygon(_)
        | Geometry::MultiPolygon(_)
        | Geometry::Rect(_)
        | Geometry::Triangle(_) => geometry.interior_point().map(|p| p.0),
        _ => None,
    }
}

/// A label of the data, placed and laid out.
pub(crate) struct DataLabel {
    pub(crate) rect: ScreenRect,
    text_pos: Pos2,
    galley: std::sync::Arc<egui::Galley>,
    /// From the symbol's edge to the label, for a label set away from its symbol.
    leader: Option<[Pos2; 2]>,
}

/// How far out (beyond the symbol's edge, in points) a name with no room beside its symbol
/// may go, with a leader line.
const LEADER_REACH: [f32; 3] = [28.0, 52.0, 76.0];

/// Labels for the data: point names (from zoom 6.5) and kept measurements' distances, areas
/// and radii (in `units`). Placed greedily, top layer first; a label that would overlap a
/// placed one is left out.
pub(crate) fn place_data_labels(
    painter: &egui::Painter,
    projector: &Projector,
    layers: Layers<'_>,
    visible: Rect<f64>,
    (units, texts): (Units, &mut LabelTexts),
    keep_clear: &[ScreenRect],
    rather_clear: &[ScreenRect],
) -> Vec<DataLabel> {
    if !layers.2.labels() {
        // Too many features in view to label them: none is labelled.
        return Vec::new();
    }
    let wanted = wanted_labels(projector, layers, visible, (units, texts));
    let mut placed: Vec<DataLabel> = Vec::new();
    // Where the placed labels, the places to keep clear and the symbols are, for finding
    // those near a candidate place at once.
    let mut taken = RectGrid::of(keep_clear);
    let symbols = RectGrid::of(rather_clear);
    // Top layer first: its labels win.
    for (anchor, text, beside) in wanted.into_iter().rev() {
        let galley =
            painter.layout_no_wrap(text, FontId::proportional(12.5), Color32::from_gray(20));
        let size = galley.size();
        let candidates = label_candidates(anchor, beside, size);
        // A place clear of the symbols too if there is one, else one that only overlaps
        // symbols (a big graduated ring must not hide the names around it).
        let free = |candidates: &[Pos2], avoid_symbols: bool| {
            candidates.iter().find_map(|&min| {
                let rect = ScreenRect::from_min_size(min, size).expand(2.0);
                let blocked = !painter.clip_rect().contains_rect(rect)
                    || taken.intersects(rect)
                    || (avoid_symbols && symbols.intersects(rect));
                (!blocked).then_some((min, rect))
            })
        };
        let near = free(&candidates, true).or_else(|| free(&candidates, false));
        let (found, leader) = match (near, beside) {
            (Some(found), _) => (Some(found), false),
            // No room beside the symbol: further out, clear of every symbol, with a leader.
            (None, Some(extent)) => (free(&leader_candidates(anchor, extent, size), true), true),
            (None, None) => (None, false),
        };
        if let Some((min, rect)) = found {
            let leader = leader.then(|| {
                let end = pos2(
                    anchor.x.clamp(rect.left(), rect.right()),
                    anchor.y.clamp(rect.top(), rect.bottom()),
                );
                let start = anchor + (end - anchor).normalized() * beside.unwrap_or(0.0);
                [start, end]
            });
            taken.insert(rect);
            placed.push(DataLabel {
                rect,
                text_pos: min,
                galley,
                leader,
            });
        }
    }
    placed
}

/// A label to place: its anchor on the screen, its text, and for a point the extent of its
/// symbol (the label goes beside it).
type Wanted = (Pos2, String, Option<f32>);

/// The labels the features in view want, bottom layer first: kept measurements' numbers
/// always, names from zoom 6.5 (beside a point's symbol, else centred on the area or line).
fn wanted_labels(
    projector: &Projector,
    layers: Layers<'_>,
    visible: Rect<f64>,
    (units, texts): (Units, &mut LabelTexts),
) -> Vec<Wanted> {
    let mut wanted: Vec<Wanted> = Vec::new();
    for (layer_id, layer, view, index) in in_view(layers, visible) {
        let feature = &layer.features[index];
        if feature.bbox().is_none() {
            continue;
        }
        let r = FeatureRef {
            layer: layer_id,
            index,
        };
        let label = texts.get_or_insert_with(r, || label_text(layer, view, index, units));
        match label {
            Some(l) if l.measurement => {
                wanted.push((screen(projector, l.anchor), l.text.clone(), None));
            }
            Some(l) if projector.zoom() >= 6.5 => {
                if l.point {
                    let style = view.feature_style(layer, index);
                    let beside = symbol_extent(style.symbol, style.radius);
                    wanted.push((screen(projector, l.anchor), l.text.clone(), Some(beside)));
                } else {
                    // Areas and lines: centred on a point inside the area, or on the line's
                    // middle vertex.
                    let at = screen(projector, l.anchor) + vec2(0.0, 8.0);
                    wanted.push((at, l.text.clone(), None));
                }
            }
            _ => {}
        }
    }
    wanted
}

/// A feature's label and where it goes: a kept measurement's number (in `units`) at its
/// anchor, else its name on the point, inside the area or on the line; `None` without one.
fn label_text(layer: &Layer, view: &LayerView, index: usize, units: Units) -> Option<LabelText> {
    let feature = &layer.features[index];
    let (text, measurement) = view.label(layer, index);
    if measurement && let Some(number) = measure::measurement_label(feature, units) {
        let anchor = measure::measurement_anchor(feature)?.0;
        return Some(LabelText {
            text: number,
            measurement: true,
            anchor,
            point: false,
        });
    }
    let text = text?;
    let (anchor, point) = match feature.point() {
        Some(p) => (p, true),
        None => (feature.with_geometry(|g| g.and_then(label_anchor))?, false),
    };
    Some(LabelText {
        text,
        measurement: false,
        anchor,
        point,
    })
}

/// Where a label of `size` may go: beside a point's symbol of radius `beside` (right, left,
/// above, below, then the diagonals; the first place that is free wins), or centred above its
/// anchor.
fn label_candidates(anchor: Pos2, beside: Option<f32>, size: egui::Vec2) -> Vec<Pos2> {
    match beside {
        None => vec![anchor - vec2(size.x / 2.0, size.y + 6.0)],
        Some(extent) => {
            let gap = extent + 5.0;
            let (w, h) = (size.x, size.y);
            [
                vec2(gap, -h / 2.0),
                vec2(-gap - w, -h / 2.0),
                vec2(-w / 2.0, -extent - 3.0 - h),
                vec2(-w / 2.0, extent + 3.0),
                vec2(gap * 0.7, -gap * 0.7 - h),
                vec2(gap * 0.7, gap * 0.7),
                vec2(-gap * 0.7 - w, -gap * 0.7 - h),
                vec2(-gap * 0.7 - w, gap * 0.7),
            ]
            .into_iter()
            .map(|offset| anchor + offset)
            .collect()
        }
    }
}

/// Places further out around a symbol of radius `extent` for a label of `size`: in eight
/// directions, nearest first, the label's nearest corner or edge toward the symbol.
fn leader_candidates(anchor: Pos2, extent: f32, size: egui::Vec2) -> Vec<Pos2> {
    let mut out = Vec::with_capacity(8 * LEADER_REACH.len());
    for reach in LEADER_REACH {
        let d = extent + reach;
        for (dx, dy) in [
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, -1.0),
            (0.0, 1.0),
            (0.7, -0.7),
            (0.7, 0.7),
            (-0.7, -0.7),
            (-0.7, 0.7),
        ] {
            let at = anchor + vec2(dx, dy) * d;
            // Which side of the label faces the symbol.
            let x = match dx {
                x if x > 0.0 => at.x,
                x if x < 0.0 => at.x - size.x,
                _ => at.x - size.x / 2.0,
            };
            let y = match dy {
                y if y > 0.0 => at.y,
                y if y < 0.0 => at.y - size.y,
                _ => at.y - size.y / 2.0,
            };
            out.push(pos2(x, y));
        }
    }
    out
}

pub(crate) fn paint_labels(painter: &egui::Painter, labels: Vec<DataLabel>) {
    for label in &labels {
        if let Some(leader) = label.leader {
            painter.line_segment(leader, egui::Stroke::new(1.0, Color32::from_gray(70)));
        }
    }
    for label in labels {
        painter.rect_filled(label.rect, 3.0, Color32::from_white_alpha(210));
        painter.galley(label.text_pos, label.galley, Color32::from_gray(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use crate::render::basemap::viewport_of;
    use crate::render::density::Plan;
    use crate::render::scene::fit;
    use crate::render::screen::visible_area;
    use walkers::{MapMemory, MercatorProjection};

    /// Place the labels of `geojson`'s features in a 600×400 view of `area`.
    fn placed_labels(geojson: &str, area: Rect<f64>) -> Vec<ScreenRect> {
        let mut doc = Document::new();
        let layer = crate::io::read_str(geojson, "points.geojson").expect("valid");
        doc.add_layer(layer);
        let views = crate::render::layer_view::views_for(&doc);
        let ctx = egui::Context::default();
        crate::render::setup_context(&ctx);
        let screen = ScreenRect::from_min_size(Pos2::ZERO, vec2(600.0, 400.0));
        let input = || egui::RawInput {
            screen_rect: Some(screen),
            ..Default::default()
        };
        let _ = ctx.run_ui(input(), |_| {});
        let mut rects = Vec::new();
        let _ = ctx.run_ui(input(), |ui| {
            let mut memory = MapMemory::default();
            fit(&mut memory, area, screen.size(), 0.5);
            let center = memory.detached().expect("centred");
            let projector = Projector::new(screen, &MercatorProjection, &memory, center);
            let visible = visible_area(&projector, screen);
            let lod = Plan::new(&doc, &views, &viewport_of(&projector));
            let labels = place_data_labels(
                ui.painter(),
                &projector,
                (&doc, &views, &lod),
                visible,
                (Units::default(), &mut LabelTexts::default()),
                &[],
                &[],
            );
            rects = labels.iter().map(|l| l.rect).collect();
        });
        rects
    }

    #[test]
    fn labels_of_nearby_points_move_aside_instead_of_overlapping() {
        // Three points a few pixels apart: each label finds its own side.
        let geojson = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.900,11.550]},"properties":{"name":"Alpha compound"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.904,11.550]},"properties":{"name":"Bravo compound"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.902,11.556]},"properties":{"name":"Charlie compound"}}]}"#;
        let area = Rect::new(Coord { x: 104.85, y: 11.5 }, Coord { x: 104.95, y: 11.6 });
        let rects = placed_labels(geojson, area);
        assert_eq!(rects.len(), 3, "{rects:?}");
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_crowded_spot_sets_names_further_out_and_leaves_out_what_does_not_fit() {
        // Twenty points on one spot: as many labels as fit around it, near or with leaders.
        let features: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.9,11.55]}},"properties":{{"name":"Site number {i}"}}}}"#
                )
            })
            .collect();
        let geojson = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let area = Rect::new(Coord { x: 104.8, y: 11.5 }, Coord { x: 105.0, y: 11.6 });
        let rects = placed_labels(&geojson, area);
        // Those beside the symbol, more further out with leader lines, not all twenty.
        assert!((6..20).contains(&rects.len()), "{} labels", rects.len());
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.intersects(*b));
            }
        }
    }
}

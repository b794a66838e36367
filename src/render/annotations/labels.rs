//! Labels of the data (point names, kept measurements' numbers) placed greedily so none
//! overlaps another, the legend or, where possible, a point symbol. A point's name with no
//! room beside it (a cluster) is set a little further out with a leader line to its symbol
//! before it is given up; a feature left unlabelled is still named on hover (`ui::map`).

use std::sync::Arc;

use egui::{Color32, FontId, Galley, Pos2, Rect as ScreenRect, Vec2, pos2, vec2};
use geo::Rect;
use walkers::Projector;

use crate::measure::{self, Units};
use crate::model::{FeatureRef, Layer, LayerId};
use crate::render::anchor::label_anchor;
use crate::render::features::{Layers, in_view};
use crate::render::frame_cache::{LabelText, LabelTexts};
use crate::render::layer_view::LayerView;
use crate::render::rect_grid::RectGrid;
use crate::render::screen::screen;
use crate::render::symbols::symbol_extent;

/// The most point symbols the basemap's labels keep clear of (beyond that many the map is
/// full of data anyway, and the check would cost more than it gives).
const MAX_CLEAR_SYMBOLS: usize = 2000;

/// The features in view when labels are placed (few enough to label), looked up once a frame
/// for the symbols' room and the labels; `None` when there are too many to label (then the
/// map is full of data, and no room is kept for the symbols either).
pub(crate) fn labelled_in_view<'a>(
    layers: Layers<'a>,
    visible: Rect<f64>,
) -> Option<Vec<InView<'a>>> {
    layers
        .2
        .labels()
        .then(|| in_view(layers, visible).collect())
}

/// Where the visible point symbols among `features` are drawn, so the labels keep clear of
/// them.
pub(crate) fn point_symbol_rects(
    projector: &Projector,
    features: &[InView<'_>],
) -> Vec<ScreenRect> {
    features
        .iter()
        .filter_map(|&(_, layer, view, index)| {
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

/// A label of the data, placed and laid out.
pub(crate) struct DataLabel {
    pub(crate) rect: ScreenRect,
    text_pos: Pos2,
    galley: Arc<Galley>,
    /// From the symbol's edge to the label, for a label set away from its symbol.
    leader: Option<[Pos2; 2]>,
}

/// How far out (beyond the symbol's edge, in points) a name with no room beside its symbol
/// may go, with a leader line.
const LEADER_REACH: [f32; 3] = [28.0, 52.0, 76.0];

/// How many labels one frame may work out (text, place and laid-out size) that the frames
/// before did not: `None` for all of them (images), a number for the window, which shows the
/// others a few frames later rather than spend one long frame on them.
pub type LabelBudget = Option<usize>;

/// Labels for the data in view (`features`, from [`labelled_in_view`]): point names (from
/// zoom 6.5) and kept measurements' distances, areas and radii (in `units`). Placed greedily,
/// top layer first; a label that would overlap a
/// placed one is left out. Worked out in that order within `budget`: a label not worked out
/// yet is left out this frame (then the second value is `true`: look again next frame), so
/// a frame shows the labels the whole placement would show, or, while some wait, a
/// placement of those ready.
pub(crate) fn place_data_labels(
    painter: &egui::Painter,
    projector: &Projector,
    features: &[InView<'_>],
    (units, texts, budget): (Units, &mut LabelTexts, LabelBudget),
    keep_clear: &[ScreenRect],
    rather_clear: &[ScreenRect],
) -> (Vec<DataLabel>, bool) {
    texts.next_frame();
    let mut work = Work {
        left: budget.unwrap_or(usize::MAX),
        waiting: false,
    };
    let mut placed: Vec<DataLabel> = Vec::new();
    // Where the placed labels, the places to keep clear and the symbols are, for finding
    // those near a candidate place at once.
    let mut room = Room {
        clip: painter.clip_rect(),
        taken: RectGrid::of(keep_clear),
        symbols: RectGrid::of(rather_clear),
        line_height: lay_out(painter, "x").size().y,
    };
    // Top layer first: its labels win.
    for &feature in features.iter().rev() {
        let Some(wanted) = wanted_label(
            (painter, projector, &room),
            feature,
            (units, texts),
            &mut work,
        ) else {
            continue;
        };
        if let Some(label) = place(painter, wanted, &room) {
            room.taken.insert(label.rect);
            placed.push(label);
        }
    }
    (placed, work.waiting)
}

/// Where labels may go: the map, less the room taken (by the labels placed and what they
/// keep clear of) and, where it can be, the symbols' room.
struct Room {
    clip: ScreenRect,
    taken: RectGrid,
    symbols: RectGrid,
    /// The height of a line of text: no label is lower.
    line_height: f32,
}

/// A free place for a label: its text's top left corner, its box (the text and a margin),
/// and whether it is set away from its symbol (with a leader line).
type Found = (Pos2, ScreenRect, bool);

impl Room {
    /// The first free place for a label of `size` at `anchor`: beside its symbol (of extent
    /// `beside`) or above its anchor, clear of the symbols too if there is one; for a point
    /// with no room beside it, further out with a leader line. Each place's box grows away
    /// from the anchor as `size` grows, so a size with no room means no room for any larger.
    fn find(&self, anchor: Pos2, beside: Option<f32>, size: Vec2) -> Option<Found> {
        // A place clear of the symbols too if there is one, else one that only overlaps
        // symbols (a big graduated ring must not hide the names around it).
        let free = |candidates: &[Pos2], avoid_symbols: bool| {
            candidates.iter().find_map(|&min| {
                let rect = ScreenRect::from_min_size(min, size).expand(2.0);
                let blocked = !self.clip.contains_rect(rect)
                    || self.taken.intersects(rect)
                    || (avoid_symbols && self.symbols.intersects(rect));
                (!blocked).then_some((min, rect, false))
            })
        };
        let candidates = label_candidates(anchor, beside, size);
        free(&candidates, true)
            .or_else(|| free(&candidates, false))
            .or_else(|| {
                // No room beside the symbol: further out, clear of every symbol, with a
                // leader.
                let (min, rect, _) = free(&leader_candidates(anchor, beside?, size), true)?;
                Some((min, rect, true))
            })
    }

    /// Whether a label at `anchor` at least `width` wide may find room: it is at least a
    /// line high too, so one with no room at that size is left out without being laid out.
    fn may_fit(&self, anchor: Pos2, beside: Option<f32>, width: f32) -> bool {
        self.find(anchor, beside, vec2(width, self.line_height))
            .is_some()
    }
}

/// A feature in view: its layer's id, the layer, its view and the feature's index.
pub(crate) type InView<'a> = (LayerId, &'a Layer, &'a LayerView, usize);

/// The labels a frame may still work out.
struct Work {
    left: usize,
    /// Some label was left for a later frame.
    waiting: bool,
}

impl Work {
    /// Take one label's work if there is some left, else note that one waits.
    fn take(&mut self) -> bool {
        if self.left == 0 {
            self.waiting = true;
            return false;
        }
        self.left -= 1;
        true
    }
}

/// A label to place: its anchor on the screen, for a point the extent of its symbol (the
/// label goes beside it), its text and that text's size, laid out if it was this frame.
struct Wanted<'a> {
    anchor: Pos2,
    beside: Option<f32>,
    text: &'a str,
    size: Vec2,
    galley: Option<Arc<Galley>>,
}

/// The label `feature` wants, if any and if it is worked out (or there is `work` left to
/// do it): a kept measurement's number always, a name from zoom 6.5 (beside a point's
/// symbol, else centred on the area or line).
fn wanted_label<'t>(
    (painter, projector, room): (&egui::Painter, &Projector, &Room),
    (layer_id, layer, view, index): InView<'_>,
    (units, texts): (Units, &'t mut LabelTexts),
    work: &mut Work,
) -> Option<Wanted<'t>> {
    layer.features[index].bbox()?;
    let r = FeatureRef {
        layer: layer_id,
        index,
    };
    let kept = texts.keep(r);
    if !kept && !work.take() {
        return None;
    }
    let label = texts
        .get_or_insert_with(r, || label_text(layer, view, index, units))
        .as_mut()?;
    let (anchor, beside) = if label.measurement {
        (screen(projector, label.anchor), None)
    } else if projector.zoom() < 6.5 {
        return None;
    } else if label.point {
        let style = view.feature_style(layer, index);
        let beside = symbol_extent(style.symbol, style.radius);
        (screen(projector, label.anchor), Some(beside))
    } else {
        // Areas and lines: centred on a point inside the area, or on the line's middle
        // vertex.
        (screen(projector, label.anchor) + vec2(0.0, 8.0), None)
    };
    let (size, galley) = match label.size {
        Some(size) => (size, None),
        None => {
            let width = *label
                .width_at_least
                .get_or_insert_with(|| width_at_least(painter, &label.text));
            if !room.may_fit(anchor, beside, width) || (kept && !work.take()) {
                return None;
            }
            let galley = lay_out(painter, &label.text);
            label.size = Some(galley.size());
            (galley.size(), Some(galley))
        }
    };
    Some(Wanted {
        anchor,
        beside,
        text: &label.text,
        size,
        galley,
    })
}

/// Whether the laid-out width of a text of `c`s is bounded from below by their advances (see
/// [`width_at_least`]): plain Latin letters, digits, spaces and common punctuation, which the
/// default font sets one glyph each with only pair kerning between them.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || " -.,'()/#&:+_".contains(c)
}

/// How much of the sum of its characters' advances a plain text is at least as wide as, less
/// a pixel for rounding: kerning takes less than a tenth of each pair's advances (a test
/// checks every pair of plain characters), so at most a fifth of the whole.
const WIDTH_SHARE: f32 = 0.8;

/// A width `text`, laid out, is at least as wide as, without laying it out (a lookup of each
/// character's advance): for plain text (see [`plain`]) a share of the sum of its advances,
/// leading and trailing spaces left out as the layout leaves them out; 0 for other text.
fn width_at_least(painter: &egui::Painter, text: &str) -> f32 {
    let text = text.trim_matches(' ');
    if !text.chars().all(plain) {
        return 0.0;
    }
    let font = label_font();
    let advances: f32 = painter.fonts_mut(|f| text.chars().map(|c| f.glyph_width(&font, c)).sum());
    (WIDTH_SHARE * advances - 1.0).max(0.0)
}

/// The font the data's labels are written in.
fn label_font() -> FontId {
    FontId::proportional(12.5)
}

/// A label's text laid out as the map writes it.
fn lay_out(painter: &egui::Painter, text: &str) -> Arc<Galley> {
    painter.layout_no_wrap(text.to_owned(), label_font(), Color32::from_gray(20))
}

/// Where `wanted` goes in `room`, if anywhere (see [`Room::find`]).
fn place(painter: &egui::Painter, wanted: Wanted<'_>, room: &Room) -> Option<DataLabel> {
    let Wanted {
        anchor,
        beside,
        text,
        size,
        galley,
    } = wanted;
    let (min, rect, leader) = room.find(anchor, beside, size)?;
    let leader = leader.then(|| {
        let end = pos2(
            anchor.x.clamp(rect.left(), rect.right()),
            anchor.y.clamp(rect.top(), rect.bottom()),
        );
        let start = anchor + (end - anchor).normalized() * beside.unwrap_or(0.0);
        [start, end]
    });
    Some(DataLabel {
        rect,
        text_pos: min,
        galley: galley.unwrap_or_else(|| lay_out(painter, text)),
        leader,
    })
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
            size: None,
            width_at_least: None,
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
        size: None,
        width_at_least: None,
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
    use geo::Coord;
    use walkers::{MapMemory, MercatorProjection};

    /// Place the labels of `geojson`'s features in a 600×400 view of `area`.
    fn placed_labels(geojson: &str, area: Rect<f64>) -> Vec<ScreenRect> {
        let frames = placed_over_frames(geojson, area, None);
        assert_eq!(frames.len(), 1, "all are worked out in the first frame");
        frames.into_iter().next().unwrap_or_default()
    }

    /// Place the labels of `geojson`'s features in a 600×400 view of `area`, frame after
    /// frame with the same caches and at most `budget` labels worked out in each, until no
    /// label waits: what each frame placed.
    fn placed_over_frames(
        geojson: &str,
        area: Rect<f64>,
        budget: LabelBudget,
    ) -> Vec<Vec<ScreenRect>> {
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
        let mut texts = LabelTexts::default();
        let mut frames = Vec::new();
        let mut waiting = true;
        while waiting && frames.len() < 100 {
            let _ = ctx.run_ui(input(), |ui| {
                let mut memory = MapMemory::default();
                fit(&mut memory, area, screen.size(), 0.5);
                let center = memory.detached().expect("centred");
                let projector = Projector::new(screen, &MercatorProjection, &memory, center);
                let visible = visible_area(&projector, screen);
                let lod = Plan::new(&doc, &views, &viewport_of(&projector));
                let labels;
                let features =
                    labelled_in_view((&doc, &views, &lod), visible).expect("few enough to label");
                (labels, waiting) = place_data_labels(
                    ui.painter(),
                    &projector,
                    &features,
                    (Units::default(), &mut texts, budget),
                    &[],
                    &[],
                );
                frames.push(labels.iter().map(|l| l.rect).collect());
            });
        }
        frames
    }

    #[test]
    fn no_label_is_lower_than_the_line_a_label_is_ruled_out_at() {
        // A label with no room at a line's height is left out without being laid out: every
        // text, in any script, is at least that high.
        let ctx = egui::Context::default();
        crate::render::setup_context(&ctx);
        let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
            let line = lay_out(ui.painter(), "x").size().y;
            assert!(line > 10.0, "{line}");
            for text in [
                "",
                " ",
                "Building 000123",
                "ភ្នំពេញ",
                "ក្រុងព្រះសីហនុ",
                "北京",
                "🏠 site",
                "two\nlines",
                "Åé gypq",
            ] {
                let size = lay_out(ui.painter(), text).size();
                assert!(size.y >= line, "{text:?} is {size:?}, lower than {line}");
            }
        });
    }

    #[test]
    fn plain_text_is_never_narrower_than_its_bound() {
        // A label whose bound has no room is left out without being laid out: the bound must
        // never exceed the laid-out width. Kerning is between pairs, so every pair of plain
        // characters is checked (kerning under a tenth of the pair's advances, rounding under
        // a pixel), then whole names.
        let ctx = egui::Context::default();
        crate::render::setup_context(&ctx);
        let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter();
            let font = label_font();
            let advance = |c: char| painter.fonts_mut(|f| f.glyph_width(&font, c));
            let plain: Vec<char> = (' '..='~').filter(|&c| plain(c)).collect();
            for &a in &plain {
                for &b in &plain {
                    let pair = format!("{a}{b}");
                    let width = lay_out(painter, &pair).size().x;
                    let sum: f32 = pair.trim_matches(' ').chars().map(advance).sum();
                    assert!(
                        width >= (1.0 - (1.0 - WIDTH_SHARE) / 2.0) * sum - 1.0,
                        "{pair:?}: {width} wide, advances {sum}"
                    );
                }
            }
            for text in [
                "Building 000123",
                "AVAVAV WAVE Toyota LTA",
                "office (ffi fl ff)",
                " Kampong Cham ",
                "ffifflfi",
                "ភ្នំពេញ",
                "Phnom Penh: 12/3, #4 & co.",
            ] {
                let width = lay_out(painter, text).size().x;
                let bound = width_at_least(painter, text);
                assert!(width >= bound, "{text:?}: {width} wide, bound {bound}");
            }
            // And the bound is close enough to rule labels out.
            let name = "Building 000123";
            let (width, bound) = (
                lay_out(painter, name).size().x,
                width_at_least(painter, name),
            );
            assert!(bound > 0.7 * width, "{name:?}: {width} wide, bound {bound}");
        });
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

    #[test]
    fn labels_worked_out_a_few_a_frame_end_placed_as_all_at_once() {
        // Sixty labelled points, ten worked out a frame: the placement shown once they are
        // all ready is the one an image makes in one go.
        let features: Vec<String> = (0..60)
            .map(|i| {
                let (x, y) = (104.80 + 0.004 * f64::from(i % 10), 11.50 + 0.015 * f64::from(i / 10));
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},{y}]}},"properties":{{"name":"Site {i}"}}}}"#
                )
            })
            .collect();
        let geojson = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let area = Rect::new(
            Coord {
                x: 104.78,
                y: 11.48,
            },
            Coord {
                x: 104.86,
                y: 11.60,
            },
        );
        let at_once = placed_labels(&geojson, area);
        assert!(at_once.len() >= 10, "{} labels", at_once.len());
        let frames = placed_over_frames(&geojson, area, Some(10));
        assert_eq!(frames.len(), 6, "sixty labels at ten a frame");
        assert!(frames[0].len() <= 10, "only those worked out are placed");
        assert_eq!(frames.last(), Some(&at_once));
    }
}

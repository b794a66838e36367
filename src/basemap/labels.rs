//! Label candidates (towns, provinces, countries, the lake) and their placement on the screen.
//!
//! Candidates are built once and kept sorted by importance: the capital first, then whatever
//! appears at a lower zoom, so the greedy placement in [`place_labels`] is stable from frame to
//! frame and while panning. Placement never lets two labels (or a label and a town's dot) overlap,
//! and keeps labels wholly on the screen. How big a label is comes from the caller (the UI knows
//! its fonts); the placement itself is plain arithmetic and is unit-tested here.

use std::cmp::Ordering;

use geo::{Contains, Coord, Polygon};

use super::projection::{PxRect, Viewport};

/// What a label names, which decides its style and where it goes relative to its point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelKind {
    /// A national capital: always shown when on screen, with a bigger dot.
    Capital,
    /// A town or city: a dot with its name beside it.
    Town { in_cambodia: bool },
    /// A Cambodian province, centred on a point inside it.
    Province,
    /// A country, centred on a point inside it.
    Country { is_cambodia: bool },
    /// A lake, centred on it.
    Water,
}

impl LabelKind {
    /// Whether the label marks a point with a dot (towns) or is centred on an area.
    pub fn has_dot(self) -> bool {
        matches!(self, Self::Capital | Self::Town { .. })
    }

    /// The radius of the dot, in screen pixels (0 for areas).
    pub fn dot_radius_px(self) -> f32 {
        match self {
            Self::Capital => CAPITAL_DOT_RADIUS_PX,
            Self::Town { .. } => TOWN_DOT_RADIUS_PX,
            _ => 0.0,
        }
    }
}

/// The dot of a town, in screen pixels.
pub const TOWN_DOT_RADIUS_PX: f32 = 2.5;
/// The dot of a capital, in screen pixels.
pub const CAPITAL_DOT_RADIUS_PX: f32 = 4.0;
/// Between a dot and its name, in screen pixels.
pub const DOT_GAP_PX: f32 = 3.0;
/// Free space kept around every placed label, in screen pixels.
pub const LABEL_PADDING_PX: f32 = 2.0;
/// Labels stay this far inside the map's edges, in screen pixels.
pub const EDGE_MARGIN_PX: f32 = 2.0;

/// One thing that may be labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The name as people write it in English.
    pub text: String,
    pub kind: LabelKind,
    /// The labelled point (a town) or a point inside the labelled area, in world units.
    pub world: Coord<f64>,
    /// Shown from this zoom (inclusive) ...
    pub min_zoom: f64,
    /// ... up to this zoom (exclusive).
    pub max_zoom: f64,
    /// For towns, from GeoNames (0 when unknown); 0 for areas.
    pub population: u64,
    /// Placement order, lower first (see [`priority`]).
    pub priority: f64,
    /// For areas, their (largest) outline, simplified, in world units: a label moved off its
    /// anchor to make room must keep its centre inside.
    pub outline_world: Option<Polygon<f64>>,
}

impl Label {
    /// Whether this is one of the most important places at `zoom`, whose label the data's
    /// labels make room for. Provincial capitals become major from [`SEAT_MAJOR_ZOOM`]: below
    /// it (the whole country in a small window) they are named only where the data leaves room.
    pub fn is_major_at(&self, zoom: f64) -> bool {
        self.priority < MAJOR_PRIORITY_BELOW
            && (!matches!(self.kind, LabelKind::Town { .. }) || zoom >= SEAT_MAJOR_ZOOM)
    }
}

/// Cambodia's provincial capitals are labelled from this zoom, whatever their population: a
/// window fitting the whole country on a 13-inch laptop is at about zoom 6.9.
pub const PROVINCE_SEAT_MIN_ZOOM: f64 = 6.5;

/// From this zoom Cambodia's provincial capitals keep their names against the data's labels.
pub const SEAT_MAJOR_ZOOM: f64 = 7.0;

/// The zoom from which a town is labelled, from its population and GeoNames feature code.
pub fn town_min_zoom(population: u64, feature_code: &str, in_cambodia: bool) -> f64 {
    if feature_code == "PPLC" {
        return 0.0;
    }
    let by_population = match population {
        1_000_000.. => 4.0,
        300_000.. => 5.0,
        100_000.. => 6.0,
        30_000.. => 7.0,
        10_000.. => 8.0,
        1.. => 9.0,
        0 => 10.0,
    };
    if in_cambodia {
        // Provincial capitals orient the reader even when GeoNames has no population for them.
        if feature_code == "PPLA" {
            f64::min(by_population, PROVINCE_SEAT_MIN_ZOOM)
        } else {
            by_population
        }
    } else if population >= 1_000_000 {
        by_population
    } else {
        by_population + 1.0
    }
}

/// The zoom from which an area of `area_world` square world units is big enough (about 60 × 60
/// screen pixels) to carry its name.
pub fn area_min_zoom(area_world: f64) -> f64 {
    const MIN_AREA_PX2: f64 = 3_600.0;
    if area_world <= 0.0 {
        return f64::INFINITY;
    }
    // At zoom z one world unit is 2^(8+z) px, so an area grows as 2^(16+2z).
    ((MIN_AREA_PX2 / area_world).log2() - 16.0) / 2.0
}

/// Labels with a priority below this are the major ones (the capital, the country names,
/// Cambodia's provincial capitals): they keep their place even against the data's labels,
/// giving way only to a data symbol (see [`Label::is_major_at`]).
pub const MAJOR_PRIORITY_BELOW: f64 = -5.0;

/// A label's place in the placement order: lower goes first. Mostly "who appears first when
/// zooming in", with the capital, the country names and Cambodia's provincial capitals ahead
/// of everything (the major labels), and neighbours' towns after Cambodia's.
pub fn priority(kind: LabelKind, min_zoom: f64, is_provincial_capital: bool) -> f64 {
    match kind {
        LabelKind::Capital => -100.0,
        LabelKind::Country { .. } => -50.0,
        LabelKind::Town { in_cambodia: true } if is_provincial_capital => min_zoom - 30.0,
        LabelKind::Province => min_zoom - 0.6,
        LabelKind::Water => min_zoom - 0.3,
        LabelKind::Town { in_cambodia: true } => min_zoom,
        LabelKind::Town { in_cambodia: false } => min_zoom + 0.5,
    }
}

/// Sort candidates most important first (the order [`place_labels`] relies on).
pub fn sort_by_importance(labels: &mut [Label]) {
    labels.sort_by(|a, b| {
        a.priority
            .partial_cmp(&b.priority)
            .unwrap_or(Ordering::Equal)
            .then(b.population.cmp(&a.population))
            .then_with(|| a.text.cmp(&b.text))
    });
}

/// Drop a town whose name a more important town nearby already has (GeoNames lists e.g. Ta
/// Khmau and Kampot twice, as a town and as its district seat). `labels` must be sorted.
pub fn drop_repeated_towns(labels: &mut Vec<Label>) {
    // About 20 km.
    const NEARBY_WORLD: f64 = 5e-4;
    let mut kept: Vec<Label> = Vec::with_capacity(labels.len());
    for label in labels.drain(..) {
        let repeated = label.kind.has_dot()
            && kept.iter().any(|k| {
                k.kind.has_dot()
                    && k.text == label.text
                    && (k.world.x - label.world.x).hypot(k.world.y - label.world.y) < NEARBY_WORLD
            });
        if !repeated {
            kept.push(label);
        }
    }
    *labels = kept;
}

/// A label that found room on the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel<T> {
    /// Index into the candidates given to [`place_labels`].
    pub label_index: usize,
    /// Where the text goes (its size is what the caller measured).
    pub text_rect_px: PxRect,
    /// The labelled point on the screen (the dot's centre for towns).
    pub anchor_px: [f32; 2],
    /// Whether the town's dot is drawn: not when the capital's dot lies under something
    /// reserved (a data symbol), its name then set clear of it.
    pub dot: bool,
    /// Whatever the caller's measure returned with the size (e.g. the laid-out text).
    pub payload: T,
}

/// Where a label's text may go around its anchor, in order of preference; `dot_reach` is how
/// far from the anchor a town's name must stay (its dot's radius, or what covers the dot).
fn text_positions(
    kind: LabelKind,
    anchor_px: [f32; 2],
    size_px: [f32; 2],
    dot_reach: f32,
) -> [PxRect; 6] {
    let [x, y] = anchor_px;
    let [w, h] = size_px;
    if kind.has_dot() {
        let d = dot_reach + DOT_GAP_PX;
        [
            PxRect::from_min_size([x + d, y - h / 2.0], size_px), // right
            PxRect::from_min_size([x - d - w, y - h / 2.0], size_px), // left
            PxRect::from_min_size([x - w / 2.0, y - d - h], size_px), // above
            PxRect::from_min_size([x - w / 2.0, y + d], size_px), // below
            PxRect::from_min_size([x + d * 0.7, y - d * 0.7 - h], size_px), // above right
            PxRect::from_min_size([x + d * 0.7, y + d * 0.7], size_px), // below right
        ]
    } else {
        // Centred, else moved up or down by a line or two (the area is big around its anchor).
        let at =
            |lines: f32| PxRect::from_min_size([x - w / 2.0, y - h / 2.0 + lines * h], size_px);
        [at(0.0), at(-1.2), at(1.2), at(-2.4), at(2.4), at(0.0)]
    }
}

/// Choose which labels to show and where, greedily in the candidates' order.
///
/// `labels` must be sorted with [`sort_by_importance`]. `measure` gives a label's text size in
/// screen pixels (and a payload kept with it), or `None` to skip it; it is only called for labels
/// in view at this zoom. `reserved` are screen areas already taken (e.g. the labels of the user's
/// data, which matter more than the basemap's). Placed labels are appended to `out`, which is
/// cleared first.
pub fn place_labels<T>(
    labels: &[Label],
    viewport: &Viewport,
    reserved: &[PxRect],
    mut measure: impl FnMut(&Label) -> Option<([f32; 2], T)>,
    out: &mut Vec<PlacedLabel<T>>,
) {
    out.clear();
    let zoom = viewport.zoom();
    let screen = viewport.rect_px.expand(-EDGE_MARGIN_PX);
    // Anything whose anchor is further out than this cannot fit on the screen.
    let near_view = viewport.world_rect(400.0);
    let mut occupied: Vec<PxRect> = Vec::with_capacity(64 + reserved.len());
    occupied.extend_from_slice(reserved);

    for (label_index, label) in labels.iter().enumerate() {
        if zoom < label.min_zoom || zoom >= label.max_zoom {
            continue;
        }
        let p = label.world;
        let anchor_near = p.x >= near_view.min().x
            && p.x <= near_view.max().x
            && p.y >= near_view.min().y
            && p.y <= near_view.max().y;
        if !anchor_near && !matches!(label.kind, LabelKind::Country { .. }) {
            continue;
        }
        let mut measured = None;
        let mut size_of = |label: &Label| -> Option<[f32; 2]> {
            if measured.is_none() {
                measured = Some(measure(label));
            }
            measured
                .as_ref()
                .and_then(|m| m.as_ref().map(|(size, _)| *size))
        };
        let mut placed = None;
        if anchor_near {
            placed = place_at(
                label,
                viewport.transform.to_px(p),
                &screen,
                &occupied,
                viewport,
                &mut size_of,
            );
        }
        if placed.is_none() && matches!(label.kind, LabelKind::Country { .. }) {
            // A neighbour's heart is often off the screen while much of it is on: name it
            // where it is seen, at the nearest free place wholly inside it.
            placed = fallback_anchors(label, viewport, &screen)
                .into_iter()
                .find_map(|anchor_px| {
                    let size_px = size_of(label)?;
                    let rect = PxRect::from_min_size(
                        [
                            anchor_px[0] - size_px[0] / 2.0,
                            anchor_px[1] - size_px[1] / 2.0,
                        ],
                        size_px,
                    );
                    let padded = rect.expand(LABEL_PADDING_PX);
                    (screen.contains_rect(&rect)
                        && !occupied.iter().any(|o| o.overlaps(&padded))
                        && wholly_inside(label, &rect, viewport))
                    .then_some(Placement {
                        text_rect_px: rect,
                        anchor_px,
                        dot: None,
                        dot_shown: false,
                    })
                });
        }
        let Some(placement) = placed else {
            continue;
        };
        let Some(Some((_, payload))) = measured else {
            continue;
        };
        occupied.push(placement.text_rect_px.expand(LABEL_PADDING_PX));
        if let Some(dot) = placement.dot.filter(|_| placement.dot_shown) {
            occupied.push(dot);
        }
        out.push(PlacedLabel {
            label_index,
            text_rect_px: placement.text_rect_px,
            anchor_px: placement.anchor_px,
            dot: placement.dot_shown,
            payload,
        });
    }
}

/// Where one label goes around one anchor, if anywhere.
struct Placement {
    text_rect_px: PxRect,
    anchor_px: [f32; 2],
    dot: Option<PxRect>,
    dot_shown: bool,
}

/// Try `label`'s text positions around `anchor_px`, keeping clear of `occupied`.
fn place_at(
    label: &Label,
    anchor_px: [f32; 2],
    screen: &PxRect,
    occupied: &[PxRect],
    viewport: &Viewport,
    size_of: &mut impl FnMut(&Label) -> Option<[f32; 2]>,
) -> Option<Placement> {
    let dot = label.kind.has_dot().then(|| {
        let r = label.kind.dot_radius_px();
        PxRect::from_min_size([anchor_px[0] - r, anchor_px[1] - r], [2.0 * r, 2.0 * r])
    });
    let mut dot_reach = label.kind.dot_radius_px();
    let mut dot_shown = dot.is_some();
    if let Some(dot) = dot {
        if !screen.contains_rect(&dot) {
            return None;
        }
        let covers: Vec<&PxRect> = occupied.iter().filter(|o| o.overlaps(&dot)).collect();
        if !covers.is_empty() {
            // A town under a data symbol is left out; the capital keeps its name, set
            // beside what covers it, without its dot.
            if label.kind != LabelKind::Capital {
                return None;
            }
            dot_shown = false;
            for o in covers {
                let [x, y] = anchor_px;
                let far = [
                    x - o.min_px[0],
                    o.max_px[0] - x,
                    y - o.min_px[1],
                    o.max_px[1] - y,
                ];
                dot_reach = far.into_iter().fold(dot_reach, f32::max);
            }
        }
    }
    let size_px = size_of(label)?;
    let text_rect_px = text_positions(label.kind, anchor_px, size_px, dot_reach)
        .into_iter()
        .enumerate()
        .find(|(i, rect)| {
            let padded = rect.expand(LABEL_PADDING_PX);
            screen.contains_rect(rect)
                && !occupied.iter().any(|o| o.overlaps(&padded))
                && dot.is_none_or(|d| !d.overlaps(rect))
                && (*i == 0 || stays_inside(label, rect, viewport))
        })
        .map(|(_, rect)| rect)?;
    Some(Placement {
        text_rect_px,
        anchor_px,
        dot,
        dot_shown,
    })
}

/// Spacing of the lattice a country's name may move to, in screen pixels.
const FALLBACK_STEP_PX: f64 = 48.0;

/// Screen points inside `label`'s area on a lattice fixed to the map (so the name stays put
/// while panning), nearest the area's own anchor first. Whether a point is inside the area
/// (a test against an outline of thousands of vertices) is asked only as the points are
/// taken: the caller stops at the first one its name fits, usually one of the first few.
fn fallback_anchors<'a>(
    label: &'a Label,
    viewport: &Viewport,
    screen: &PxRect,
) -> impl Iterator<Item = [f32; 2]> + 'a {
    let mut points: Vec<(f64, [f32; 2], Coord<f64>)> = Vec::new();
    if let Some(outline) = &label.outline_world {
        points = lattice_on_screen(label, outline, viewport, screen);
    }
    points.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    points.into_iter().filter_map(move |(_, px, world)| {
        let outline = label.outline_world.as_ref()?;
        outline.contains(&world).then_some(px)
    })
}

/// The lattice points over `outline`'s box that are on the screen: (distance from the label's
/// anchor, screen position, world position).
fn lattice_on_screen(
    label: &Label,
    outline: &Polygon<f64>,
    viewport: &Viewport,
    screen: &PxRect,
) -> Vec<(f64, [f32; 2], Coord<f64>)> {
    use geo::BoundingRect;
    let view = viewport.world_rect(0.0);
    let Some(bbox) = outline.bounding_rect() else {
        return Vec::new();
    };
    if !super::projection::rects_intersect(&view, &bbox) {
        return Vec::new();
    }
    let step = FALLBACK_STEP_PX / viewport.transform.px_per_unit;
    let (min, max) = (view.min(), view.max());
    let (ix0, ix1) = ((min.x / step).ceil() as i64, (max.x / step).floor() as i64);
    let (iy0, iy1) = ((min.y / step).ceil() as i64, (max.y / step).floor() as i64);
    // A window is at most a few thousand pixels across: at most a few thousand points.
    if ix1 - ix0 > 200 || iy1 - iy0 > 200 {
        return Vec::new();
    }
    let mut points = Vec::new();
    for ix in ix0..=ix1 {
        for iy in iy0..=iy1 {
            let world = Coord {
                x: ix as f64 * step,
                y: iy as f64 * step,
            };
            let px = viewport.transform.to_px(world);
            if screen.contains_rect(&PxRect::from_min_size(px, [0.0, 0.0])) {
                let d = (world.x - label.world.x).hypot(world.y - label.world.y);
                points.push((d, px, world));
            }
        }
    }
    points
}

/// Whether a label's whole text (its corners and centre) lies inside its area.
fn wholly_inside(label: &Label, rect: &PxRect, viewport: &Viewport) -> bool {
    let Some(outline) = &label.outline_world else {
        return false;
    };
    let [x0, y0] = rect.min_px;
    let [x1, y1] = rect.max_px;
    [
        [x0, y0],
        [x1, y0],
        [x0, y1],
        [x1, y1],
        [(x0 + x1) / 2.0, (y0 + y1) / 2.0],
    ]
    .into_iter()
    .all(|px| outline.contains(&viewport.transform.to_world(px)))
}

/// Whether a moved area label's centre is still inside its area (always true for towns).
fn stays_inside(label: &Label, rect: &PxRect, viewport: &Viewport) -> bool {
    let Some(outline) = &label.outline_world else {
        return true;
    };
    let centre_px = [
        (rect.min_px[0] + rect.max_px[0]) / 2.0,
        (rect.min_px[1] + rect.max_px[1]) / 2.0,
    ];
    outline.contains(&viewport.transform.to_world(centre_px))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capital_countries_and_provincial_capitals_are_major_and_placed_first() {
        let seat = priority(LabelKind::Town { in_cambodia: true }, 7.0, true);
        let province = priority(LabelKind::Province, 5.0, false);
        let town = priority(LabelKind::Town { in_cambodia: true }, 4.0, false);
        assert!(priority(LabelKind::Capital, 0.0, false) < MAJOR_PRIORITY_BELOW);
        assert!(
            priority(LabelKind::Country { is_cambodia: false }, 3.0, false) < MAJOR_PRIORITY_BELOW
        );
        assert!(seat < MAJOR_PRIORITY_BELOW);
        assert!(seat < province && seat < town);
        assert!(province >= MAJOR_PRIORITY_BELOW && town >= MAJOR_PRIORITY_BELOW);
    }

    #[test]
    fn bigger_towns_appear_at_lower_zooms() {
        assert_eq!(town_min_zoom(10, "PPLC", true), 0.0);
        assert!(town_min_zoom(150_000, "PPLA", true) < town_min_zoom(20_000, "PPLA2", true));
        assert!(town_min_zoom(0, "PPLA", true) <= 7.0);
        assert!(town_min_zoom(50_000, "PPLA2", false) > town_min_zoom(50_000, "PPLA2", true));
    }

    #[test]
    fn a_province_of_ten_thousand_square_km_is_named_from_about_zoom_seven() {
        // 100 km × 100 km near 12° N is about 0.0026 × 0.0026 world units.
        let zoom = area_min_zoom(0.0026 * 0.0026);
        assert!((6.0..8.0).contains(&zoom), "{zoom}");
    }
}

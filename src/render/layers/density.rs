//! Big layers at low zoom: when more features of a layer are in view than can be drawn one by
//! one within a frame, the layer is drawn as a density grid instead (cells of 8–16 screen points,
//! shaded by how many features each holds; cells big enough show their count), with a note on
//! the map saying what a cell is. The counts come from the layer's [`Density`] pyramid, so a
//! frame costs the same with a thousand or a million features.

use std::collections::HashMap;

use egui::{Color32, FontId, Mesh, Pos2, Rect as ScreenRect, Shape};

use crate::basemap::projection::Viewport;
use crate::measure::group_thousands;
use crate::mercator::world_to_lon_lat;
use crate::model::density::MAX_LEVEL;
use crate::model::{Density, Document, LayerId};
use crate::render::layer_view::LayerView;

/// Above this many features in view, a layer is drawn as a density grid.
pub const INDIVIDUAL_LIMIT: u64 = 6_000;

/// Above this many features in view (all layers), no data labels are placed.
pub const LABEL_LIMIT: u64 = 1_500;

/// Cells start at 2^CELL_SHIFT screen points (and are at most twice that).
const CELL_SHIFT: i32 = 3;

/// Cells at least this big (screen points) show their count, when there are few of them.
const COUNT_CELL_PX: f32 = 26.0;
const MAX_COUNTED_CELLS: usize = 400;

/// The non-empty cells of a layer's density grid in view.
pub struct Cells {
    level: u8,
    /// (column, row, count).
    cells: Vec<(u32, u32, u32)>,
    /// Features in the cells (some may lie just outside the view).
    pub total: u64,
    max: u32,
}

/// The grid level for `zoom`: cells of 8 to 16 screen points, or bigger past [`MAX_LEVEL`].
pub fn level_for(zoom: f64) -> u8 {
    let level = (zoom.floor() as i32 + 8 - CELL_SHIFT).clamp(0, i32::from(MAX_LEVEL));
    u8::try_from(level).unwrap_or(MAX_LEVEL)
}

/// The cells of `density` in the viewport.
pub fn visible_cells(viewport: &Viewport, density: &Density) -> Cells {
    let level = level_for(viewport.zoom());
    let world = viewport.world_rect(0.0);
    let side = f64::from(1_u32 << level);
    let last = (1_u32 << level) - 1;
    let cell = |v: f64| ((v * side).max(0.0) as u32).min(last);
    let mut cells = Vec::new();
    let (mut total, mut max) = (0_u64, 0_u32);
    density.level(level).cells_in(
        level,
        (cell(world.min().x), cell(world.max().x)),
        (cell(world.min().y), cell(world.max().y)),
        |c, r, n| {
            cells.push((c, r, n));
            total += u64::from(n);
            max = max.max(n);
        },
    );
    Cells {
        level,
        cells,
        total,
        max,
    }
}

/// Paint the cells as squares of `color`, more opaque where there are more features (by the
/// square root of the count against the fullest cell in view, so clusters stand out from a
/// thin spread while a cell with a single feature stays visible).
pub fn paint_cells(painter: &egui::Painter, viewport: &Viewport, cells: &Cells, color: Color32) {
    let side = f64::from(1_u32 << cells.level);
    let fullest = f64::from(cells.max.max(1));
    let mut mesh = Mesh::default();
    mesh.reserve_triangles(cells.cells.len() * 2);
    mesh.reserve_vertices(cells.cells.len() * 4);
    let t = &viewport.transform;
    let mut counted = Vec::new();
    for &(c, r, n) in &cells.cells {
        let min = t.to_px(geo::coord! { x: f64::from(c) / side, y: f64::from(r) / side });
        let max = t.to_px(geo::coord! { x: f64::from(c + 1) / side, y: f64::from(r + 1) / side });
        let rect = ScreenRect::from_min_max(Pos2::new(min[0], min[1]), Pos2::new(max[0], max[1]));
        let weight = (f64::from(n) / fullest).sqrt() as f32;
        let alpha = 0.12 + 0.83 * weight;
        mesh.add_colored_rect(rect, color.gamma_multiply(alpha));
        if rect.width() >= COUNT_CELL_PX {
            counted.push((rect.center(), n));
        }
    }
    painter.add(Shape::mesh(mesh));
    if counted.len() <= MAX_COUNTED_CELLS {
        for (at, n) in counted {
            painter.text(
                at,
                egui::Align2::CENTER_CENTER,
                group_thousands(f64::from(n)),
                FontId::proportional(11.0),
                Color32::from_gray(15),
            );
        }
    }
}

/// The note on the map for layers drawn as density: what a cell is (its size in km at the
/// view's centre) and the most features in one cell.
fn paint_note(painter: &egui::Painter, viewport: &Viewport, drawn: &[(String, &Cells)]) {
    let Some((_, first)) = drawn.first() else {
        return;
    };
    let r = &viewport.rect_px;
    let centre = [
        (r.min_px[0] + r.max_px[0]) / 2.0,
        (r.min_px[1] + r.max_px[1]) / 2.0,
    ];
    let world = viewport.transform.to_world(centre);
    let (_, lat) = world_to_lon_lat(world);
    let cell_m = 40_075_016.686 * lat.to_radians().cos() / f64::from(1_u32 << first.level);
    let size = if cell_m >= 1000.0 {
        format!("{:.1} km", cell_m / 1000.0)
    } else {
        format!("{cell_m:.0} m")
    };
    let mut lines = vec![format!(
        "Dense layers shown as density: cells of about {size} (darker = more features); zoom in \
         to see single features."
    )];
    for (name, cells) in drawn {
        lines.push(format!(
            "{name}: {} features in view, up to {} in a cell",
            group_thousands(cells.total as f64),
            group_thousands(f64::from(cells.max))
        ));
    }
    let rect = painter.clip_rect();
    // Between the zoom buttons (left) and the window's basemap button (top right, about
    // 200 points wide), which it would run under on a laptop-sized map.
    let wrap = (rect.width() - 56.0 - 210.0).clamp(200.0, 420.0);
    let galley = painter.layout(
        lines.join("\n"),
        FontId::proportional(12.0),
        Color32::from_gray(20),
        wrap,
    );
    // Right of the zoom buttons.
    let min = Pos2::new(rect.left() + 56.0, rect.top() + 12.0);
    let frame = ScreenRect::from_min_size(min, galley.size()).expand(6.0);
    painter.rect_filled(frame, 4.0, Color32::from_white_alpha(225));
    painter.galley(min, galley, Color32::from_gray(20));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_8_to_16_points_wide_until_the_finest_level() {
        for zoom in [0.0, 3.5, 7.3, 11.99] {
            let level = level_for(zoom);
            let px = 256.0 * zoom.exp2() / f64::from(1_u32 << level);
            assert!((8.0..16.0).contains(&px), "zoom {zoom}: {px} px");
        }
        assert_eq!(level_for(18.0), MAX_LEVEL);
    }
}

/// Which layers are drawn as density this frame, and how many features are drawn one by one.
#[derive(Default)]
pub struct Plan {
    dense: Vec<(LayerId, Cells)>,
    individual: u64,
}

impl Plan {
    /// Count what each visible layer has in view and choose how to draw it.
    pub fn new(doc: &Document, views: &HashMap<LayerId, LayerView>, viewport: &Viewport) -> Self {
        let mut plan = Plan::default();
        for (id, layer) in doc.layers() {
            let Some(view) = views.get(&id).filter(|v| v.visible) else {
                continue;
            };
            let cells = visible_cells(viewport, &view.density(layer, true));
            if cells.total > INDIVIDUAL_LIMIT {
                plan.dense.push((id, cells));
            } else {
                plan.individual += cells.total;
            }
        }
        plan
    }

    /// The cells to draw for `layer` when it is drawn as density.
    pub fn dense(&self, layer: LayerId) -> Option<&Cells> {
        self.dense
            .iter()
            .find(|(id, _)| *id == layer)
            .map(|(_, c)| c)
    }

    /// Whether data labels are placed (few features drawn one by one).
    pub fn labels(&self) -> bool {
        self.individual <= LABEL_LIMIT
    }

    /// The note naming the dense layers, if any.
    pub fn paint_note(&self, painter: &egui::Painter, viewport: &Viewport, doc: &Document) {
        let drawn: Vec<(String, &Cells)> = self
            .dense
            .iter()
            .filter_map(|(id, cells)| Some((doc.layer(*id)?.name.clone(), cells)))
            .collect();
        paint_note(painter, viewport, &drawn);
    }
}

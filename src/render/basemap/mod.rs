//! Paints the offline basemap (`crate::basemap`) under the map, for any walkers [`Projector`].
//!
//! What it promises: land and sea, Cambodia highlighted among its muted neighbours, country and
//! province borders, rivers by class (minor ones only zoomed in), Tonlé Sap, the coastline,
//! province names, towns chosen by population and zoom with no overlapping labels, and the data's
//! attribution line, with no network. A frame only transforms prepared vertices: the basemap is
//! read, projected, triangulated and simplified once ([`Basemap::embedded`]).
//!
//! # API for the map view
//!
//! ```ignore
//! use raidmap::render::basemap::{BasemapStyle, paint_basemap, BasemapPlugin};
//!
//! // Once, at start-up, so the first frame does not wait (~0.1 s) for the basemap to be built:
//! std::thread::spawn(|| { raidmap::basemap::Basemap::embedded(); });
//!
//! // Every frame, either inside Map::show's closure, before painting anything else ...
//! walkers::Map::new(None, &mut memory, my_position).show(ui, |ui, _response, projector, _memory| {
//!     paint_basemap(ui.painter(), projector, &style, &[]);
//!     // ... the app's own overlays ...
//! });
//! // ... or as the first plugin: `.with_plugin(BasemapPlugin { style: &style })`.
//! ```
//!
//! With online tiles (`Map::new(Some(tiles), ..)`) the tiles are painted before plugins and the
//! closure, so the basemap would cover them: then either skip it, or reserve its place under the
//! map before `Map::show` (`let slot = ui.painter().add(egui::Shape::Noop)`) and fill it inside
//! the closure with `ui.painter().set(slot, egui::Shape::Vec(basemap_shapes(..)))`.
//!
//! The screen transform comes from the projector (two positions unprojected at the map's centre),
//! so walkers stays the single source of truth for geo ↔ screen. It assumes walkers' Web Mercator
//! (the default projection).

pub mod stack;

use egui::epaint::{Vertex, WHITE_UV};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontFamily, FontId, Galley, Mesh, Painter, Pos2, Rect, Shape, Stroke};
use std::sync::Arc;
use walkers::{MapMemory, Plugin, Projector};

use crate::basemap::lines::LineLevel;
use crate::basemap::{
    ATTRIBUTION, Basemap, Label, LabelKind, LineKind, PlacedLabel, PxRect, RiverClass,
    ScreenTransform, TriMesh, Viewport, place_labels,
};
use crate::mercator::lon_lat_to_world;
use crate::render::mesh_batch::MeshBatch;

/// Colours, line widths and switches of the basemap. `Default` is a calm light atlas palette.
#[derive(Debug, Clone, PartialEq)]
pub struct BasemapStyle {
    pub sea: Color32,
    /// Beyond the box the basemap covers (100–110 E, 8–16.5 N), where it has no data.
    pub outside: Color32,
    /// The thin frame around the covered box.
    pub coverage_frame: Color32,
    /// Land outside the four countries' polygons (there is little) and under them.
    pub land: Color32,
    pub cambodia: Color32,
    pub neighbours: Color32,
    pub lake: Color32,
    pub lake_shore: Color32,
    pub coastline: Color32,
    pub river: Color32,
    pub country_border: Color32,
    /// A soft band under country borders, as printed atlases draw them.
    pub country_border_halo: Color32,
    pub province_border_cambodia: Color32,
    pub province_border_neighbours: Color32,
    /// A soft band under Cambodia's province borders (used over imagery, where a thin dashed
    /// line alone gets lost), or none.
    pub province_border_halo: Option<Color32>,
    pub town_text: Color32,
    pub neighbour_town_text: Color32,
    pub province_text: Color32,
    pub country_text: Color32,
    pub water_text: Color32,
    /// Drawn around label text so it stays readable over lines.
    pub text_halo: Color32,
    /// Scales every line width (1.0 = as designed).
    pub line_width_scale: f32,
    /// Sea, land, countries, lakes and the covered box's frame. Off, only lines and labels are
    /// painted (e.g. borders and names over satellite imagery).
    pub show_fills: bool,
    /// Coastline and lake shores.
    pub show_water_lines: bool,
    pub show_rivers: bool,
    pub show_country_borders: bool,
    pub show_province_borders: bool,
    pub show_labels: bool,
    /// Paint the data's attribution line at the bottom right (the licences require it somewhere
    /// on the map; turn it off only if the caller paints [`ATTRIBUTION`] itself).
    pub show_attribution: bool,
}

impl BasemapStyle {
    /// What is drawn above imagery (online or file tiles): borders and/or place names only, in
    /// colours that stay visible on photographs and coloured maps.
    pub fn over_imagery(&self, borders: bool, labels: bool) -> Self {
        Self {
            show_fills: false,
            show_water_lines: false,
            show_rivers: false,
            show_country_borders: borders,
            show_province_borders: borders,
            show_labels: labels,
            show_attribution: false,
            province_border_cambodia: Color32::from_rgb(255, 236, 170),
            province_border_halo: Some(Color32::from_rgba_unmultiplied(60, 45, 30, 120)),
            province_border_neighbours: Color32::from_rgba_unmultiplied(255, 236, 170, 150),
            country_border: Color32::from_rgb(255, 255, 255),
            country_border_halo: Color32::from_rgba_unmultiplied(40, 30, 40, 110),
            ..self.clone()
        }
    }

    /// What is drawn beneath imagery: the whole basemap except what [`Self::over_imagery`]
    /// draws above it (so nothing is drawn twice) and the attribution (which would be hidden).
    pub fn under_imagery(&self, borders: bool, labels: bool) -> Self {
        Self {
            show_country_borders: self.show_country_borders && !borders,
            show_province_borders: self.show_province_borders && !borders,
            show_labels: self.show_labels && !labels,
            show_attribution: false,
            ..self.clone()
        }
    }
}

impl Default for BasemapStyle {
    fn default() -> Self {
        Self {
            sea: Color32::from_rgb(203, 225, 240),
            outside: Color32::from_rgb(232, 233, 235),
            coverage_frame: Color32::from_rgb(160, 165, 172),
            land: Color32::from_rgb(236, 235, 230),
            cambodia: Color32::from_rgb(253, 249, 237),
            neighbours: Color32::from_rgb(234, 233, 228),
            lake: Color32::from_rgb(190, 217, 238),
            lake_shore: Color32::from_rgb(120, 165, 205),
            coastline: Color32::from_rgb(122, 163, 198),
            river: Color32::from_rgb(105, 158, 212),
            country_border: Color32::from_rgb(92, 88, 92),
            country_border_halo: Color32::from_rgba_unmultiplied(196, 172, 196, 120),
            province_border_cambodia: Color32::from_rgb(150, 138, 128),
            province_border_neighbours: Color32::from_rgb(196, 194, 188),
            province_border_halo: None,
            town_text: Color32::from_rgb(35, 35, 38),
            neighbour_town_text: Color32::from_rgb(105, 105, 108),
            province_text: Color32::from_rgb(150, 125, 105),
            country_text: Color32::from_rgb(125, 120, 118),
            water_text: Color32::from_rgb(60, 115, 170),
            text_halo: Color32::from_rgba_unmultiplied(255, 255, 255, 210),
            line_width_scale: 1.0,
            show_fills: true,
            show_water_lines: true,
            show_rivers: true,
            show_country_borders: true,
            show_province_borders: true,
            show_labels: true,
            show_attribution: true,
        }
    }
}

/// The basemap as a walkers plugin: add it first so it lies under the other plugins and the
/// `Map::show` closure.
pub struct BasemapPlugin<'a> {
    pub style: &'a BasemapStyle,
}

impl Plugin for BasemapPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut egui::Ui,
        _response: &egui::Response,
        projector: &Projector,
        _map_memory: &MapMemory,
    ) {
        paint_basemap(ui.painter(), projector, self.style, &[]);
    }
}

/// Paint the basemap, clipped to the map's rectangle, with what is painted later on top.
/// `reserved` are screen areas where no basemap label may go (the data's own labels).
pub fn paint_basemap(
    painter: &Painter,
    projector: &Projector,
    style: &BasemapStyle,
    reserved: &[Rect],
) {
    let mut shapes = Vec::new();
    basemap_shapes(painter, projector, style, reserved, &mut shapes);
    let clip = painter.clip_rect().intersect(projector.clip_rect());
    painter.with_clip_rect(clip).extend(shapes);
}

/// The shapes of the basemap for this frame, appended to `out` in painting order (sea first,
/// attribution last). `painter` is only used to lay out text.
pub fn basemap_shapes(
    painter: &Painter,
    projector: &Projector,
    style: &BasemapStyle,
    reserved: &[Rect],
    out: &mut Vec<Shape>,
) {
    let basemap = Basemap::embedded();
    let viewport = viewport_of(projector);
    let rect = projector.clip_rect();
    let t = &viewport.transform;
    // Sea inside the covered box, a neutral grey beyond it (no data there, not sea).
    let coverage_px = basemap
        .coverage_world
        .map(|c| Rect::from_min_max(pos(t.to_px(c.min())), pos(t.to_px(c.max()))));
    if style.show_fills {
        fill_shapes(basemap, &viewport, rect, coverage_px, style, out);
    }

    line_shapes(painter, basemap, &viewport, style, out);
    if style.show_fills {
        out.extend(coverage_frame(coverage_px, rect, style));
    }
    if style.show_labels {
        let label_view = label_viewport(basemap, projector);
        let reserved: Vec<PxRect> = reserved.iter().map(|r| px_rect(*r)).collect();
        label_shapes(painter, basemap, &label_view, style, &reserved, out);
    }
    if style.show_attribution {
        attribution_shapes(painter, rect, style, out);
    }
}

/// The basemap's lines (borders, shores, rivers, coasts) in passes, so that e.g. every
/// border's halo lies under every border: one mesh, the lines in that order.
fn line_shapes(
    painter: &Painter,
    basemap: &Basemap,
    viewport: &Viewport,
    style: &BasemapStyle,
    out: &mut Vec<Shape>,
) {
    let zoom = viewport.zoom();
    let width = |base_px: f32| base_px * style.line_width_scale * zoom_width_factor(zoom);
    let mut lines = LinePainter::new(viewport, painter);
    if style.show_province_borders {
        if let Some(halo) = style.province_border_halo {
            lines.paint(basemap, |kind| match kind {
                LineKind::ProvinceBorder { in_cambodia: true } => {
                    Some(LineStyle::solid(width(2.6), halo))
                }
                _ => None,
            });
        }
        lines.paint(basemap, |kind| match kind {
            LineKind::ProvinceBorder { in_cambodia: false } if zoom >= kind.min_zoom() => Some(
                LineStyle::solid(width(0.7), style.province_border_neighbours),
            ),
            LineKind::ProvinceBorder { in_cambodia: true } => Some(LineStyle::dashed(
                width(0.9),
                style.province_border_cambodia,
                5.0,
                3.0,
            )),
            _ => None,
        });
    }
    if style.show_water_lines {
        lines.paint(basemap, |kind| match kind {
            LineKind::LakeShore => Some(LineStyle::solid(width(0.7), style.lake_shore)),
            _ => None,
        });
    }
    if style.show_rivers {
        lines.paint(basemap, |kind| match kind {
            LineKind::River(class) if zoom >= class.min_zoom() => {
                Some(river_style(class, style.river, &width))
            }
            _ => None,
        });
    }
    if style.show_water_lines {
        lines.paint(basemap, |kind| match kind {
            LineKind::Coastline => Some(LineStyle::solid(width(0.8), style.coastline)),
            _ => None,
        });
    }
    if style.show_country_borders {
        lines.paint(basemap, |kind| match kind {
            LineKind::CountryBorder => {
                Some(LineStyle::solid(width(5.0), style.country_border_halo))
            }
            _ => None,
        });
        lines.paint(basemap, |kind| match kind {
            LineKind::CountryBorder => Some(LineStyle::solid(width(1.3), style.country_border)),
            _ => None,
        });
    }
    let mesh = lines.batch.into_mesh();
    if !mesh.is_empty() {
        out.push(Shape::mesh(mesh));
    }
}

/// The covered box's frame, where the view reaches beyond it: only its sides near the view,
/// so no huge coordinates reach the tessellator.
fn coverage_frame(coverage_px: Option<Rect>, rect: Rect, style: &BasemapStyle) -> Option<Shape> {
    let coverage = coverage_px.filter(|c| !c.contains_rect(rect))?;
    let frame = coverage.intersect(rect.expand(4.0));
    frame.is_positive().then(|| {
        Shape::rect_stroke(
            frame,
            0.0,
            Stroke::new(1.0, style.coverage_frame),
            egui::StrokeKind::Middle,
        )
    })
}

/// Sea (or "no data" grey beyond the covered box), land, countries and lakes.
fn fill_shapes(
    basemap: &Basemap,
    viewport: &Viewport,
    rect: Rect,
    coverage_px: Option<Rect>,
    style: &BasemapStyle,
    out: &mut Vec<Shape>,
) {
    let t = &viewport.transform;
    match coverage_px {
        Some(coverage) if !coverage.contains_rect(rect) => {
            out.push(Shape::rect_filled(rect, 0.0, style.outside));
            let visible = rect.expand(2.0).intersect(coverage);
            if visible.is_positive() {
                out.push(Shape::rect_filled(visible, 0.0, style.sea));
            }
        }
        _ => out.push(Shape::rect_filled(rect, 0.0, style.sea)),
    }

    // Fills: everything whose box touches the view (the GPU clips the rest).
    let view_world = viewport.world_rect(0.0);
    let mut land = Mesh::default();
    let mut neighbours = Mesh::default();
    let mut cambodia = Mesh::default();
    let mut lakes = Mesh::default();
    for mesh in &basemap.land {
        add_mesh(&mut land, mesh, t, &view_world, style.land);
    }
    for country in &basemap.countries {
        let (target, colour) = if country.is_cambodia {
            (&mut cambodia, style.cambodia)
        } else {
            (&mut neighbours, style.neighbours)
        };
        for mesh in &country.meshes {
            add_mesh(target, mesh, t, &view_world, colour);
        }
    }
    for mesh in &basemap.lakes {
        add_mesh(&mut lakes, mesh, t, &view_world, style.lake);
    }
    out.extend(
        [land, neighbours, cambodia, lakes]
            .into_iter()
            .filter(|m| !m.is_empty())
            .map(Shape::mesh),
    );
}

/// The screen transform and visible rectangle of the map, derived from walkers' projector.
pub fn viewport_of(projector: &Projector) -> Viewport {
    let rect = projector.clip_rect();
    let centre = rect.center();
    // Two positions on the centre's row, a tile apart: longitude is linear in screen x, and
    // Web Mercator scales x and y alike, so their distance gives the scale.
    const SPAN_PX: f32 = 256.0;
    let p0 = projector.unproject(centre.to_vec2());
    let p1 = projector.unproject(centre.to_vec2() + egui::vec2(SPAN_PX, 0.0));
    let w0 = lon_lat_to_world(p0.x(), p0.y());
    let w1 = lon_lat_to_world(p1.x(), p1.y());
    let dx = w1.x - w0.x;
    let px_per_unit = if dx > 0.0 {
        f64::from(SPAN_PX) / dx
    } else {
        crate::basemap::projection::px_per_unit_at_zoom(projector.zoom())
    };
    Viewport {
        transform: ScreenTransform {
            px_per_unit,
            anchor_world: w0,
            anchor_px: [f64::from(centre.x), f64::from(centre.y)],
        },
        rect_px: px_rect(rect),
    }
}

/// Paint the attribution line at the bottom right of `map_rect` (for callers that turned
/// [`BasemapStyle::show_attribution`] off to place it themselves).
pub fn paint_attribution(painter: &Painter, map_rect: Rect, style: &BasemapStyle) {
    let mut shapes = Vec::new();
    attribution_shapes(painter, map_rect, style, &mut shapes);
    painter.extend(shapes);
}

fn px_rect(rect: Rect) -> PxRect {
    PxRect {
        min_px: [rect.min.x, rect.min.y],
        max_px: [rect.max.x, rect.max.y],
    }
}

fn pos(px: [f32; 2]) -> Pos2 {
    Pos2::new(px[0], px[1])
}

/// Lines grow a little as one zooms in, so the map does not look faint at street level.
fn zoom_width_factor(zoom: f64) -> f32 {
    (0.8 + 0.08 * (zoom as f32 - 6.0)).clamp(0.7, 1.5)
}

/// Append a prepared mesh, moved to the screen, when its box touches the view.
fn add_mesh(
    target: &mut Mesh,
    mesh: &TriMesh,
    t: &ScreenTransform,
    view_world: &geo::Rect<f64>,
    colour: Color32,
) {
    let Some(bbox) = mesh.bbox_world else {
        return;
    };
    if !crate::basemap::projection::rects_intersect(&bbox, view_world) {
        return;
    }
    let Ok(base) = u32::try_from(target.vertices.len()) else {
        return;
    };
    target
        .vertices
        .extend(mesh.vertices_world.iter().map(|w| Vertex {
            pos: pos(t.to_px(*w)),
            uv: WHITE_UV,
            color: colour,
        }));
    target.indices.extend(mesh.indices.iter().map(|i| base + i));
}

fn river_style(class: RiverClass, colour: Color32, width: &impl Fn(f32) -> f32) -> LineStyle {
    match class {
        RiverClass::DoubleLined => LineStyle::solid(width(0.9), colour),
        RiverClass::Permanent(1) => LineStyle::solid(width(1.5), colour),
        RiverClass::Permanent(2) => LineStyle::solid(width(1.1), colour),
        RiverClass::Permanent(3) => LineStyle::solid(width(0.8), colour),
        RiverClass::Permanent(_) => LineStyle::solid(width(0.6), colour.gamma_multiply(0.85)),
        RiverClass::Intermittent => {
            LineStyle::dashed(width(0.6), colour.gamma_multiply(0.7), 4.0, 2.0)
        }
    }
}

/// How a kind of line is drawn.
#[derive(Debug, Clone, Copy)]
struct LineStyle {
    stroke: Stroke,
    /// `(dash, gap)` lengths in screen pixels, or solid.
    dashes_px: Option<(f32, f32)>,
}

impl LineStyle {
    fn solid(width_px: f32, colour: Color32) -> Self {
        Self {
            stroke: Stroke::new(width_px, colour),
            dashes_px: None,
        }
    }

    fn dashed(width_px: f32, colour: Color32, dash_px: f32, gap_px: f32) -> Self {
        Self {
            stroke: Stroke::new(width_px, colour),
            dashes_px: Some((dash_px, gap_px)),
        }
    }
}

/// Turns prepared polylines into screen paths, keeping only the stretches near the view, and
/// draws them into one mesh.
struct LinePainter<'a> {
    viewport: &'a Viewport,
    /// Lines whose box misses this are skipped.
    view_world: geo::Rect<f64>,
    /// Segments that miss this are cut out (a margin keeps line joins off the screen's edge).
    clip_px: PxRect,
    zoom: f64,
    run: Vec<Pos2>,
    /// A dashed run's dashes.
    dashes: Vec<Shape>,
    batch: MeshBatch,
}

impl<'a> LinePainter<'a> {
    const MARGIN_PX: f32 = 8.0;

    fn new(viewport: &'a Viewport, painter: &Painter) -> Self {
        Self {
            viewport,
            view_world: viewport.world_rect(Self::MARGIN_PX),
            clip_px: viewport.rect_px.expand(Self::MARGIN_PX),
            zoom: viewport.zoom(),
            run: Vec::new(),
            dashes: Vec::new(),
            batch: MeshBatch::new(painter),
        }
    }

    /// Paint every line for which `style_of` gives a style.
    fn paint(&mut self, basemap: &Basemap, style_of: impl Fn(LineKind) -> Option<LineStyle>) {
        for line in &basemap.lines {
            let Some(style) = style_of(line.kind) else {
                continue;
            };
            if !crate::basemap::projection::rects_intersect(&line.bbox_world, &self.view_world) {
                continue;
            }
            self.paint_level(line.level_for_zoom(self.zoom), style);
        }
    }

    fn paint_level(&mut self, level: &LineLevel, style: LineStyle) {
        let t = &self.viewport.transform;
        let clip = self.clip_px;
        let mut previous: Option<[f32; 2]> = None;
        let mut run_start = 0;
        self.run.clear();
        for (i, w) in level.points_world.iter().enumerate() {
            let p = t.to_px(*w);
            if let Some(q) = previous {
                let segment = PxRect {
                    min_px: [p[0].min(q[0]), p[1].min(q[1])],
                    max_px: [p[0].max(q[0]), p[1].max(q[1])],
                };
                if segment.overlaps(&clip) {
                    if self.run.is_empty() {
                        run_start = i - 1;
                        self.run.push(pos(q));
                    }
                    self.run.push(pos(p));
                } else {
                    self.flush(level, run_start, style);
                }
            }
            previous = Some(p);
        }
        self.flush(level, run_start, style);
    }

    fn flush(&mut self, level: &LineLevel, run_start: usize, style: LineStyle) {
        if self.run.len() >= 2 {
            match style.dashes_px {
                None => self.batch.line(&self.run, style.stroke),
                Some((dash_px, gap_px)) => {
                    // Keep the dashes where they were on the whole line, so they do not crawl
                    // when the view cuts the line at another point.
                    let period_px = f64::from(dash_px + gap_px);
                    let along_px = level.along_world.get(run_start).copied().unwrap_or(0.0)
                        * self.viewport.transform.px_per_unit;
                    let phase_px = along_px.rem_euclid(period_px);
                    let offset_px = ((period_px - phase_px) % period_px) as f32;
                    Shape::dashed_line_many_with_offset(
                        &self.run,
                        style.stroke,
                        &[dash_px],
                        &[gap_px],
                        offset_px,
                        &mut self.dashes,
                    );
                    for dash in self.dashes.drain(..) {
                        // epaint makes each dash a line segment.
                        if let Shape::LineSegment { points, stroke } = dash {
                            self.batch.line_segment(points, stroke);
                        }
                    }
                }
            }
        }
        self.run.clear();
    }
}

/// How a kind of label is set.
fn label_job(label: &Label, style: &BasemapStyle) -> LayoutJob {
    let (text, size_px, colour, letter_spacing_px, italics) = match label.kind {
        LabelKind::Capital => (label.text.clone(), 14.5, style.town_text, 0.0, false),
        LabelKind::Town { in_cambodia: true } => {
            let size_px = if label.min_zoom <= 6.0 { 13.0 } else { 12.0 };
            (label.text.clone(), size_px, style.town_text, 0.0, false)
        }
        LabelKind::Town { in_cambodia: false } => (
            label.text.clone(),
            11.5,
            style.neighbour_town_text,
            0.0,
            false,
        ),
        LabelKind::Province => (
            label.text.to_uppercase(),
            10.5,
            style.province_text,
            1.2,
            false,
        ),
        LabelKind::Country { is_cambodia } => {
            let colour = if is_cambodia {
                style.province_text
            } else {
                style.country_text
            };
            (label.text.clone(), 15.0, colour, 4.0, false)
        }
        LabelKind::Water => (label.text.clone(), 12.0, style.water_text, 0.5, true),
    };
    LayoutJob::single_section(
        text,
        TextFormat {
            font_id: FontId::new(size_px, FontFamily::Proportional),
            extra_letter_spacing: letter_spacing_px,
            color: colour,
            italics,
            ..Default::default()
        },
    )
}

/// The viewport labels are placed in: the map, less the grey beyond the covered box.
fn label_viewport(basemap: &Basemap, projector: &Projector) -> Viewport {
    let mut viewport = viewport_of(projector);
    let rect = projector.clip_rect();
    let t = &viewport.transform;
    if let Some(c) = basemap.coverage_world {
        let coverage = Rect::from_min_max(pos(t.to_px(c.min())), pos(t.to_px(c.max())));
        viewport.rect_px = px_rect(rect.intersect(coverage));
    }
    viewport
}

/// Where the major places' labels (the capital, the country names, the provincial capitals)
/// and their dots go when only `taken` (the data's symbols, the legend) is in their way: the
/// data's labels keep clear of these, so the basemap, placed after them, puts its major labels
/// in the same places. Each rect is padded as the placement pads its labels.
pub fn major_label_rects(
    painter: &Painter,
    projector: &Projector,
    style: &BasemapStyle,
    taken: &[Rect],
) -> Vec<Rect> {
    let basemap = Basemap::embedded();
    let viewport = label_viewport(basemap, projector);
    let zoom = viewport.zoom();
    let taken: Vec<PxRect> = taken.iter().map(|r| px_rect(*r)).collect();
    let mut placed: Vec<PlacedLabel<()>> = Vec::new();
    place_labels(
        &basemap.labels,
        &viewport,
        &taken,
        |label| {
            label.is_major_at(zoom).then(|| {
                let size = painter.layout_job(label_job(label, style)).size();
                ([size.x, size.y], ())
            })
        },
        &mut placed,
    );
    let pad = crate::basemap::labels::LABEL_PADDING_PX + 0.5;
    let mut rects = Vec::with_capacity(placed.len() * 2);
    for p in &placed {
        let text = &p.text_rect_px;
        rects.push(Rect::from_min_max(pos(text.min_px), pos(text.max_px)).expand(pad));
        if let Some(label) = basemap.labels.get(p.label_index)
            && p.dot
        {
            let r = label.kind.dot_radius_px();
            rects.push(
                Rect::from_center_size(pos(p.anchor_px), egui::vec2(2.0 * r, 2.0 * r)).expand(pad),
            );
        }
    }
    rects
}

fn label_shapes(
    painter: &Painter,
    basemap: &Basemap,
    viewport: &Viewport,
    style: &BasemapStyle,
    reserved: &[PxRect],
    out: &mut Vec<Shape>,
) {
    let mut placed: Vec<PlacedLabel<Arc<Galley>>> = Vec::new();
    place_labels(
        &basemap.labels,
        viewport,
        reserved,
        |label| {
            let galley = painter.layout_job(label_job(label, style));
            let size = galley.size();
            Some(([size.x, size.y], galley))
        },
        &mut placed,
    );
    // Dots under all text; each text over its own halo.
    for p in placed.iter().filter(|p| p.dot) {
        let Some(label) = basemap.labels.get(p.label_index) else {
            continue;
        };
        let centre = pos(p.anchor_px);
        match label.kind {
            LabelKind::Capital => {
                out.push(Shape::circle_filled(centre, 4.5, Color32::WHITE));
                out.push(Shape::circle_stroke(
                    centre,
                    4.0,
                    Stroke::new(1.3, style.town_text),
                ));
                out.push(Shape::circle_filled(centre, 1.8, style.town_text));
            }
            LabelKind::Town { in_cambodia } => {
                let colour = if in_cambodia {
                    style.town_text
                } else {
                    style.neighbour_town_text
                };
                out.push(Shape::circle_filled(centre, 2.7, Color32::WHITE));
                out.push(Shape::circle_filled(centre, 2.0, colour));
            }
            _ => {}
        }
    }
    for p in placed {
        let at = pos(p.text_rect_px.min_px);
        for (dx, dy) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
            out.push(Shape::galley_with_override_text_color(
                at + egui::vec2(dx, dy),
                p.payload.clone(),
                style.text_halo,
            ));
        }
        out.push(Shape::galley(at, p.payload, style.town_text));
    }
}

fn attribution_shapes(
    painter: &Painter,
    map_rect: Rect,
    style: &BasemapStyle,
    out: &mut Vec<Shape>,
) {
    let ink = Color32::from_rgb(70, 70, 72);
    for (galley, text_rect, back) in
        crate::render::scale_bar::credit_layouts(painter, map_rect, &[ATTRIBUTION], ink)
    {
        out.push(Shape::rect_filled(
            back,
            3.0,
            style.text_halo.gamma_multiply(0.85),
        ));
        out.push(Shape::galley(text_rect.min, galley, style.town_text));
    }
}

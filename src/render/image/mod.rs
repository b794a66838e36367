//! Map images: the map drawn without a window, at an exact pixel size, with a title, the
//! legend, a geodesic scale bar, a north arrow and the attribution, as RGBA pixels or a PNG.
//!
//! One drawing path for the window and images: the map is painted by
//! [`crate::render::scene::paint_map`] into a headless egui context, tessellated by epaint (whose
//! feathering anti-aliases edges) and rasterised on the CPU ([`crate::render::image::raster`]), so the
//! `render` command needs no display and no GPU, and text (Khmer too) is shaped exactly as on
//! screen. Tiles of an online or file basemap are drawn only when a loader is given (the
//! user chose that source); the default is the offline basemap.

pub mod caption;
pub mod raster;

use std::collections::HashMap;
use std::sync::Arc;

use egui::{Color32, FontId, Pos2, Rect as ScreenRect, Shape, Stroke, pos2, vec2};
use geo::{Coord, Rect};
use walkers::{MapMemory, MercatorProjection, Projector, lon_lat};

use crate::measure::Units;
use crate::model::{Document, Layer, LayerId, LayerKind};
use crate::render::basemap::BasemapStyle;
use crate::render::basemap::stack::StackPlan;
use crate::render::compare::{blend_label, divider_x, paint_divider, paint_tag, sides};
use crate::render::image::raster::{Canvas, Textures};
use crate::render::layer_view::LayerView;
use crate::render::overlay::Overlay;
use crate::render::pinned::{PinnedImage, paint_pinned};
use crate::render::scene::{DrawCaches, MapScene, fit, paint_map};
use crate::render::tile_grid::{tile_rect, tiles_in_view};
use crate::tiles::{TileKey, TileLoader};

/// The default image size of `raidmap render`, in pixels.
pub const DEFAULT_SIZE_PX: [u32; 2] = [1600, 1000];

/// The largest side accepted, in pixels (a 16k × 16k image already takes 4 GiB of memory while
/// drawing).
pub const MAX_SIDE_PX: u32 = 12_000;

/// What to draw and how big.
#[derive(Debug, Clone)]
pub struct ImageSpec {
    pub width_px: u32,
    pub height_px: u32,
    /// The lon/lat area the image shows, fitted inside it (the image's other dimension shows
    /// more around it).
    pub area: Rect<f64>,
    /// How much of the image the area fills (1.0: edge to edge; less leaves a margin).
    pub fill: f64,
    /// The title at the top left; `None` or empty draws none.
    pub title: Option<String>,
    /// Lines under the title stating every filter in force ([`caption::filter_lines`]).
    pub caption: Vec<String>,
    /// Pixels per point: text, symbols and lines are this many pixels per screen point.
    pub pixels_per_point: f32,
    /// How kept measurements' numbers are written.
    pub units: Units,
    /// A second basemap right of a divider, or blended over the first.
    pub compare: Option<Compare>,
    /// The basemap's name written on the image (a dated imagery release's date), when not
    /// comparing.
    pub basemap_name: Option<String>,
    /// Pictures pinned onto the map.
    pub pinned: Vec<PinnedImage>,
}

/// Two basemaps compared as the window compares them: side by side, the first left of the
/// divider and this one right of it, or this one blended over the first.
#[derive(Debug, Clone)]
pub struct Compare {
    /// The second basemap's tiles; `None` for the offline basemap.
    pub tiles: Option<TileBasemap>,
    /// Where the divider is, as a fraction of the width from the left (0 to 1).
    pub swipe: f32,
    /// `Some(opacity)`: no divider; the second basemap over the first at this opacity (0 to 1).
    pub blend: Option<f32>,
    /// The names of the two basemaps, first then second, written on the image.
    pub names: [String; 2],
}

impl ImageSpec {
    /// An image of `width_px × height_px` showing `area` with a small margin.
    pub fn new(width_px: u32, height_px: u32, area: Rect<f64>) -> Self {
        Self {
            width_px,
            height_px,
            area,
            fill: 0.9,
            title: None,
            caption: Vec::new(),
            pixels_per_point: 1.0,
            units: Units::default(),
            compare: None,
            basemap_name: None,
            pinned: Vec::new(),
        }
    }
}

/// Tiles drawn under the data instead of the offline basemap's land and sea (the offline
/// borders and names stay on top), with their credit line.
#[derive(Clone)]
pub struct TileBasemap {
    pub loader: Arc<dyn TileLoader>,
    pub credit: Option<String>,
}

impl TileBasemap {
    /// The tiles of `source` with their credit; `None` for the offline basemap. A dated
    /// imagery release not yet chosen is the newest in the default list (as the window opens
    /// it); `cache` keeps fetched tiles on disk.
    pub fn open(
        source: &crate::tiles::Source,
        cache: Option<Arc<crate::tiles::DiskCache>>,
    ) -> Result<Option<TileBasemap>, crate::tiles::SourceError> {
        Ok(source.open(cache)?.map(|loader| TileBasemap {
            credit: loader.attribution(),
            loader,
        }))
    }
}

impl std::fmt::Debug for TileBasemap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileBasemap")
            .field("credit", &self.credit)
            .finish_non_exhaustive()
    }
}

/// Why an image could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("the image size {0}×{1} pixels is not allowed: each side must be 1 to {MAX_SIDE_PX}")]
    BadSize(u32, u32),
    #[error("could not encode the PNG")]
    Encode(#[from] image::ImageError),
}

/// Draw the map described by `spec` and return its pixels (straight-alpha RGBA, exactly
/// `width_px × height_px`). Tiles that fail to load are left out (reported on the log); the
/// offline basemap shows there.
pub fn render_map(
    doc: &Document,
    views: &HashMap<LayerId, LayerView>,
    spec: &ImageSpec,
    tiles: Option<&TileBasemap>,
) -> Result<image::RgbaImage, ImageError> {
    let (w, h) = (spec.width_px, spec.height_px);
    if !(1..=MAX_SIDE_PX).contains(&w) || !(1..=MAX_SIDE_PX).contains(&h) {
        return Err(ImageError::BadSize(w, h));
    }
    let ppp = if spec.pixels_per_point.is_finite() && spec.pixels_per_point > 0.0 {
        spec.pixels_per_point
    } else {
        1.0
    };
    let size_pt = vec2(w as f32 / ppp, h as f32 / ppp);
    let rect = ScreenRect::from_min_size(Pos2::ZERO, size_pt);
    let ctx = egui::Context::default();
    crate::render::setup_context(&ctx);
    let mut textures = Textures::default();
    // The fonts set up above are installed at the start of the next pass.
    let warm_up = ctx.run_ui(raw_input(rect, ppp), |_| {});
    textures.apply(&warm_up.textures_delta);

    let title = spec.title.as_deref().filter(|t| !t.trim().is_empty());
    let basemap_style = BasemapStyle::default();
    let plan = stack_plan(tiles, spec.compare.as_ref().and_then(|c| c.tiles.as_ref()));
    let overlay = Overlay {
        units: spec.units,
        legend: true,
        ..Overlay::default()
    };
    let scene = MapScene {
        doc,
        views,
        overlay: &overlay,
        basemap_style: &basemap_style,
        plan: &plan,
        furniture: &[],
    };
    // Tile textures, kept until the image is rasterised.
    let mut tile_textures = Vec::new();
    let output = ctx.run_ui(raw_input(rect, ppp), |ui| {
        let painter = ui.painter().with_clip_rect(rect);
        let title = layout_heading(&painter, rect, title, &spec.caption);
        let (memory, center) = fitted_view(spec, rect, title.as_deref());
        let projector = Projector::new(rect, &MercatorProjection, &memory, center);
        let under = painter.add(Shape::Noop);
        tile_textures = paint_imagery(&painter, &projector, spec, tiles);
        paint_pinned_pictures(
            &painter,
            &projector,
            &spec.pinned,
            false,
            &mut tile_textures,
        );
        for (id, _) in scene.doc.layers() {
            if let Some(view) = scene.views.get(&id) {
                view.resolve_now(scene.doc, id);
            }
        }
        // Labels keep clear of the title, the caption and the north arrow painted over the map.
        let mut furniture = vec![north_arrow_rect(rect)];
        furniture.extend(title.as_ref().map(|galley| title_rect(rect, galley)));
        let scene = MapScene {
            furniture: &furniture,
            ..scene
        };
        paint_map(
            &painter,
            under,
            &projector,
            &scene,
            &mut DrawCaches::default(),
        );
        paint_pinned_pictures(&painter, &projector, &spec.pinned, true, &mut tile_textures);
        paint_basemap_names(&painter, rect, spec);
        paint_north_arrow(&painter, rect);
        if let Some(galley) = title {
            paint_title(&painter, rect, galley);
        }
    });
    textures.apply(&output.textures_delta);
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    let mut canvas = Canvas::new(w as usize, h as usize, basemap_style.outside);
    canvas.paint(&primitives, &textures, ppp);
    drop(tile_textures);
    let pixels = canvas.to_rgba8();
    Ok(image::RgbaImage::from_raw(w, h, pixels).expect("the canvas has w × h pixels"))
}

/// One headless pass's input: the image's size in points and its pixels per point.
fn raw_input(rect: ScreenRect, ppp: f32) -> egui::RawInput {
    let mut input = egui::RawInput {
        screen_rect: Some(rect),
        max_texture_side: Some(8192),
        ..Default::default()
    };
    if let Some(viewport) = input.viewports.get_mut(&egui::ViewportId::ROOT) {
        viewport.native_pixels_per_point = Some(ppp);
    }
    input
}

/// What is drawn in which order: the imagery when there is any, borders and labels over it,
/// and both sources' credits on one line, as the window writes them.
fn stack_plan(tiles: Option<&TileBasemap>, second: Option<&TileBasemap>) -> StackPlan {
    StackPlan {
        imagery: tiles.is_some() || second.is_some(),
        borders_above: true,
        labels_above: true,
        credit: crate::tiles::credit::join(
            [tiles, second]
                .into_iter()
                .flatten()
                .filter_map(|t| t.credit.as_deref()),
        ),
    }
}

/// The map's view fitted to `spec`'s area: its memory and centre. Fitted layers (not an exact
/// box) are kept clear of the title: fitted into the space below it, and centred there.
fn fitted_view(
    spec: &ImageSpec,
    rect: ScreenRect,
    title: Option<&egui::Galley>,
) -> (MapMemory, walkers::Position) {
    let size_pt = rect.size();
    let mut memory = MapMemory::default();
    fit(&mut memory, spec.area, size_pt, spec.fill);
    let mut center = memory.detached().unwrap_or(lon_lat(104.9, 12.55));
    if let Some(galley) = title.filter(|_| spec.fill < 1.0) {
        let top = galley.size().y + 30.0;
        fit(&mut memory, spec.area, size_pt - vec2(0.0, top), spec.fill);
        let fitted = memory.detached().unwrap_or(center);
        let projector = Projector::new(rect, &MercatorProjection, &memory, fitted);
        center = projector.unproject(rect.center().to_vec2() - vec2(0.0, top / 2.0));
        memory.center_at(center);
    }
    (memory, center)
}

/// The tile basemaps: the first alone, the second blended over it, or each on its side of a
/// swipe's divider. Returns the tiles' texture handles (kept until the image is rasterised).
fn paint_imagery(
    painter: &egui::Painter,
    projector: &Projector,
    spec: &ImageSpec,
    tiles: Option<&TileBasemap>,
) -> Vec<egui::TextureHandle> {
    let mut tile_textures = Vec::new();
    match &spec.compare {
        None => {
            if let Some(tiles) = tiles {
                tile_textures = paint_tiles(painter, projector, tiles, 1.0);
            }
        }
        Some(Compare {
            tiles: second,
            blend: Some(blend),
            ..
        }) => {
            // As the window blends: the second over the first; the offline basemap is
            // beneath everything, so a blend towards it fades the first out.
            let blend = blend.clamp(0.0, 1.0);
            let first_opacity = if second.is_some() { 1.0 } else { 1.0 - blend };
            if let Some(tiles) = tiles {
                tile_textures = paint_tiles(painter, projector, tiles, first_opacity);
            }
            if let Some(second) = second {
                tile_textures.extend(paint_tiles(painter, projector, second, blend));
            }
        }
        Some(compare) => {
            let rect = projector.clip_rect();
            let (left, right) = sides(rect, divider_x(rect, compare.swipe));
            if let Some(tiles) = tiles {
                tile_textures = paint_tiles(&painter.with_clip_rect(left), projector, tiles, 1.0);
            }
            if let Some(tiles) = &compare.tiles {
                tile_textures.extend(paint_tiles(
                    &painter.with_clip_rect(right),
                    projector,
                    tiles,
                    1.0,
                ));
            }
        }
    }
    tile_textures
}

/// The pinned pictures under the data (`above_data` false) or over it, their textures added
/// to `textures`.
fn paint_pinned_pictures(
    painter: &egui::Painter,
    projector: &Projector,
    pinned: &[PinnedImage],
    above_data: bool,
    textures: &mut Vec<egui::TextureHandle>,
) {
    for (i, pinned) in pinned.iter().enumerate() {
        if pinned.above_data == above_data {
            textures.push(paint_pinned(
                painter,
                projector,
                pinned,
                &format!("pinned-{i}"),
            ));
        }
    }
}

/// The basemaps' names: a comparison's divider with a name on each side (or one tag for a
/// blend), else the dated release's name.
fn paint_basemap_names(painter: &egui::Painter, rect: ScreenRect, spec: &ImageSpec) {
    match &spec.compare {
        Some(compare) => {
            let [left, right] = &compare.names;
            match compare.blend {
                // As low as a swipe's names, clear of the title.
                Some(blend) => paint_tag(
                    painter,
                    pos2(rect.center().x, rect.top() + 90.0),
                    egui::Align2::CENTER_TOP,
                    &blend_label([left, right], blend),
                ),
                None => paint_divider(
                    painter,
                    rect,
                    divider_x(rect, compare.swipe),
                    [left, right],
                    90.0,
                ),
            }
        }
        None => {
            if let Some(name) = &spec.basemap_name {
                paint_tag(
                    painter,
                    pos2(rect.center().x, rect.top() + 12.0),
                    egui::Align2::CENTER_TOP,
                    name,
                );
            }
        }
    }
}

/// Encode pixels as PNG.
pub fn encode_png(image: &image::RgbaImage) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    image.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )?;
    Ok(bytes)
}

/// The title's colour.
const TITLE_INK: Color32 = Color32::from_rgb(20, 20, 24);

/// The title and the caption's lines under it, laid out and wrapped clear of the north
/// arrow; `None` when there is neither.
fn layout_heading(
    painter: &egui::Painter,
    rect: ScreenRect,
    title: Option<&str>,
    caption: &[String],
) -> Option<Arc<egui::Galley>> {
    if title.is_none() && caption.is_empty() {
        return None;
    }
    let mut job = egui::text::LayoutJob::default();
    job.wrap.max_width = (rect.width() - 120.0).max(100.0);
    let format = |size: f32| egui::TextFormat {
        font_id: FontId::proportional(size),
        color: TITLE_INK,
        ..Default::default()
    };
    if let Some(title) = title {
        job.append(title, 0.0, format(22.0));
    }
    for (i, line) in caption.iter().enumerate() {
        let first = i == 0 && title.is_none();
        let text = if first {
            line.clone()
        } else {
            format!("\n{line}")
        };
        job.append(&text, 0.0, format(14.0));
    }
    Some(painter.layout_job(job))
}

/// The title in a box at the top left.
fn paint_title(painter: &egui::Painter, rect: ScreenRect, galley: Arc<egui::Galley>) {
    painter.rect_filled(
        title_rect(rect, &galley),
        4.0,
        Color32::from_white_alpha(230),
    );
    painter.galley(rect.min + TITLE_OFFSET, galley, TITLE_INK);
}

/// Where the title and caption go, from the image's top left.
const TITLE_OFFSET: egui::Vec2 = vec2(12.0, 12.0);

/// What the title and caption's box covers.
fn title_rect(rect: ScreenRect, galley: &egui::Galley) -> ScreenRect {
    ScreenRect::from_min_size(rect.min + TITLE_OFFSET, galley.size()).expand2(vec2(10.0, 6.0))
}

/// What the north arrow covers (a circle of radius 24 with a thin outline).
fn north_arrow_rect(rect: ScreenRect) -> ScreenRect {
    ScreenRect::from_center_size(north_arrow_center(rect), vec2(50.0, 50.0))
}

fn north_arrow_center(rect: ScreenRect) -> Pos2 {
    pos2(rect.right() - 34.0, rect.top() + 48.0)
}

/// A north arrow at the top right (Web Mercator keeps north straight up).
fn paint_north_arrow(painter: &egui::Painter, rect: ScreenRect) {
    let ink = Color32::from_rgb(30, 30, 34);
    let center = north_arrow_center(rect);
    painter.circle(
        center,
        24.0,
        Color32::from_white_alpha(225),
        Stroke::new(1.0, Color32::from_gray(170)),
    );
    let tip = center - vec2(0.0, 6.0);
    let base = center + vec2(0.0, 17.0);
    let notch = center + vec2(0.0, 12.0);
    let left = base - vec2(8.0, 0.0);
    let right = base + vec2(8.0, 0.0);
    painter.add(Shape::convex_polygon(
        vec![tip, notch, left],
        ink,
        Stroke::NONE,
    ));
    painter.add(Shape::convex_polygon(
        vec![tip, right, notch],
        Color32::from_gray(150),
        Stroke::NONE,
    ));
    painter.text(
        center - vec2(0.0, 13.0),
        egui::Align2::CENTER_CENTER,
        "N",
        FontId::proportional(13.0),
        ink,
    );
}

/// Paint the tiles covering the view at the zoom nearest the map's (within the loader's
/// range), each as a textured rectangle between its projected corners.
/// `opacity` (0 to 1) fades them over what is beneath.
/// Returns the tiles' texture handles: they must live until the frame is rasterised.
fn paint_tiles(
    painter: &egui::Painter,
    projector: &Projector,
    tiles: &TileBasemap,
    opacity: f32,
) -> Vec<egui::TextureHandle> {
    let range = tiles.loader.zoom_range();
    let z =
        (projector.zoom().round() as i64).clamp(i64::from(*range.start()), i64::from(*range.end()));
    let z = z.clamp(0, 22) as u8;
    let keys = tiles_in_view(projector, projector.clip_rect(), z);
    // A few loads at once, as the loader allows.
    let parallelism = tiles.loader.parallelism().clamp(1, 8);
    let mut loaded: Vec<(TileKey, Vec<u8>)> = Vec::new();
    for chunk in keys.chunks(parallelism) {
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|key| {
                    let loader = &tiles.loader;
                    s.spawn(move || (*key, loader.load(*key)))
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        for (key, result) in results {
            match result {
                Ok(Some(bytes)) => loaded.push((key, bytes)),
                Ok(None) => {}
                Err(err) => log::warn!("tile {key}: {}", crate::tiles::describe(&err)),
            }
        }
    }
    let mut handles = Vec::new();
    for (key, bytes) in loaded {
        let image = match image::load_from_memory(&bytes) {
            Ok(image) => image.to_rgba8(),
            Err(err) => {
                log::warn!("tile {key}: not an image: {err}");
                continue;
            }
        };
        let size = [image.width() as usize, image.height() as usize];
        let color = egui::ColorImage::from_rgba_unmultiplied(size, image.as_raw());
        let texture =
            painter
                .ctx()
                .load_texture(format!("tile-{key}"), color, egui::TextureOptions::LINEAR);
        let mut mesh = egui::Mesh::with_texture(texture.id());
        mesh.add_rect_with_uv(
            tile_rect(projector, key),
            ScreenRect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)),
            Color32::WHITE.gamma_multiply(opacity.clamp(0.0, 1.0)),
        );
        painter.add(Shape::mesh(mesh));
        handles.push(texture);
    }
    handles
}

/// The area that holds every visible layer, or Cambodia when there is nothing to show.
pub fn layers_area(doc: &Document, views: &HashMap<LayerId, LayerView>) -> Rect<f64> {
    doc.layers()
        .filter(|(id, _)| views.get(id).is_none_or(|v| v.visible))
        .filter_map(|(_, layer)| layer.bbox())
        .reduce(|a, b| crate::model::union(&a, &b))
        .unwrap_or_else(crate::render::scene::cambodia)
}

/// `W,S,E,N` in degrees (`raidmap render --bbox`, the export window's box): west < east,
/// south < north, latitudes within Web Mercator's ±85°.
pub fn parse_bbox(text: &str) -> Result<Rect<f64>, String> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{text:?} is not four numbers W,S,E,N (degrees)"))?;
    let [w, s, e, n] = numbers[..] else {
        return Err(format!(
            "{text:?} has {} numbers; give four: W,S,E,N (degrees)",
            numbers.len()
        ));
    };
    if numbers.iter().any(|v| !v.is_finite()) {
        return Err(format!("{text:?}: every number must be finite"));
    }
    if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) {
        return Err(format!("{text:?}: longitudes must be within -180..180"));
    }
    if !(-85.0..=85.0).contains(&s) || !(-85.0..=85.0).contains(&n) {
        return Err(format!(
            "{text:?}: latitudes must be within -85..85 (the map's projection)"
        ));
    }
    if w >= e || s >= n {
        return Err(format!(
            "{text:?}: west must be less than east and south less than north"
        ));
    }
    Ok(Rect::new(Coord { x: w, y: s }, Coord { x: e, y: n }))
}

/// The default title: the visible data layers' own names (a FeatureCollection's `name`
/// member) or file names, joined.
pub fn default_title(doc: &Document, views: &HashMap<LayerId, LayerView>) -> Option<String> {
    let names: Vec<String> = doc
        .layers()
        .filter(|(id, l)| l.kind == LayerKind::Data && views.get(id).is_none_or(|v| v.visible))
        .map(|(_, l)| layer_title(l))
        .collect();
    (!names.is_empty()).then(|| names.join(" · "))
}

pub(crate) fn layer_title(layer: &Layer) -> String {
    if let crate::model::Root::FeatureCollection { members, .. } = &layer.root
        && let Some(name) = members.get("name").and_then(|v| v.as_str())
        && !name.trim().is_empty()
    {
        return name.trim().to_owned();
    }
    layer.name.clone()
}

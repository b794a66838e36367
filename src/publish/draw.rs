//! The one door from publishing to the map renderer (`render::image`, `render::layer_view`,
//! `render::fonts`, `render::basemap`): map pictures for animation frames and the report, the
//! bundled fonts, and the basemap's colours for the web map. Nothing else in
//! [`crate::publish`] names the renderer, so it can move without touching the rest.

use std::collections::HashMap;

use geo::Rect;

use super::Scene;
use crate::model::{Document, LayerId};
use crate::render::image::{self as map_image, ImageSpec};
use crate::render::layer_view::{self, LayerView};

pub use crate::render::image::{ImageError, MAX_SIDE_PX, TileBasemap, parse_bbox};

/// Noto Sans and Noto Sans Khmer (SIL OFL 1.1), the fonts of the window and the images.
pub const FONT_LATIN: &[u8] = crate::render::fonts::NOTO_SANS;
pub const FONT_KHMER: &[u8] = crate::render::fonts::NOTO_SANS_KHMER;

/// One map picture.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width_px: u32,
    pub height_px: u32,
    /// The area to show edge to edge; `None` fits the visible layers with a margin.
    pub bbox: Option<Rect<f64>>,
    /// The title at the top left (lines separated by `\n`).
    pub title: Option<String>,
    /// Pixels per point (2 draws text and symbols twice as large, for print).
    pub pixels_per_point: f32,
}

/// Draws pictures of one scene; made once per thread (its views index the layers).
pub struct Drawer<'a> {
    doc: &'a Document,
    views: HashMap<LayerId, LayerView>,
    tiles: Option<&'a TileBasemap>,
}

impl<'a> Drawer<'a> {
    /// Views of the scene's layers with their visibility and styles.
    pub fn new(scene: &'a Scene) -> Self {
        let mut views = layer_view::views_for(&scene.doc);
        for shown in &scene.shown {
            if let Some(view) = views.get_mut(&shown.id) {
                view.visible = shown.visible;
                view.set_style(shown.style.clone());
            }
        }
        Self {
            doc: &scene.doc,
            views,
            tiles: scene.tiles.as_ref(),
        }
    }

    /// The area fitting every visible layer (Cambodia when there is none).
    pub fn layers_area(&self) -> Rect<f64> {
        map_image::layers_area(self.doc, &self.views)
    }

    /// Draw the map with only the features `filters` lets through on the layers it names
    /// (the others whole), as straight-alpha RGBA pixels of exactly the size asked for.
    pub fn draw(
        &mut self,
        picture: &Picture,
        filters: &HashMap<LayerId, crate::timeline::Filter>,
    ) -> Result<image::RgbaImage, ImageError> {
        for (id, view) in &mut self.views {
            view.set_time_filter(filters.get(id).cloned());
        }
        let area = picture.bbox.unwrap_or_else(|| self.layers_area());
        let mut spec = ImageSpec::new(picture.width_px, picture.height_px, area);
        spec.fill = if picture.bbox.is_some() { 1.0 } else { 0.85 };
        spec.pixels_per_point = picture.pixels_per_point;
        spec.title = picture.title.clone();
        map_image::render_map(self.doc, &self.views, &spec, self.tiles)
    }
}

/// Encode pixels as PNG.
pub fn encode_png(image: &image::RgbaImage) -> Result<Vec<u8>, ImageError> {
    map_image::encode_png(image)
}

/// The offline basemap's colours as CSS `#rrggbb`, by part, for the web map (so it looks
/// like the window).
pub fn basemap_palette() -> Vec<(&'static str, String)> {
    let style = crate::render::basemap::BasemapStyle::default();
    let hex = |c: egui::Color32| format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b());
    vec![
        ("sea", hex(style.sea)),
        ("land", hex(style.land)),
        ("cambodia", hex(style.cambodia)),
        ("neighbours", hex(style.neighbours)),
        ("lake", hex(style.lake)),
        ("coastline", hex(style.coastline)),
        ("river", hex(style.river)),
        ("country_border", hex(style.country_border)),
        ("province_border", hex(style.province_border_cambodia)),
        (
            "province_border_neighbours",
            hex(style.province_border_neighbours),
        ),
        ("town_text", hex(style.town_text)),
    ]
}

//! Turning a scene (document, layer views, overlay, basemap) into pixels, for the window and for
//! images alike: [`scene::paint_map`] paints into any egui painter; [`image`] runs it in a
//! headless egui context and rasterises the meshes on the CPU, which is how `raidmap render`
//! and *Export image…* give the same pixels.
//!
//! This module may name egui/epaint and walkers' `Projector`, never eframe or the app's
//! commands: the command line uses it without linking the window's code.

mod annotations;
pub mod basemap;
pub mod fonts;
pub mod frame_cache;
pub mod image;
mod imagery;
mod layers;
pub(crate) mod mesh_batch;
pub mod overlay;
pub mod scene;
pub mod screen;

// The modules in the folders by concern keep their paths directly under `render`.
pub(crate) use self::annotations::{anchor, rect_grid};
pub use self::annotations::{labels, legend, scale_bar};
pub use self::imagery::{compare, pinned, tile_grid};
pub use self::layers::{density, features, layer_view, point_mesh, symbols};

/// What every egui context showing raidmap needs (the window's, the tests' and the headless
/// image's): the bundled fonts and the light theme that matches the atlas-style basemap.
pub fn setup_context(ctx: &egui::Context) {
    ctx.set_fonts(fonts::definitions());
    ctx.set_theme(egui::Theme::Light);
}

//! Turning a scene (document, layer views, overlay, basemap) into pixels, for the window and for
//! images alike: [`scene::paint_map`] paints into any egui painter; [`image`] runs it in a
//! headless egui context and rasterises the meshes on the CPU, which is how `raidmap render`
//! and *Export image…* give the same pixels.
//!
//! This module may name egui/epaint and walkers' `Projector`, never eframe or the app's
//! commands: the command line uses it without linking the window's code.

pub mod basemap;
pub mod compare;
pub mod density;
pub mod features;
pub mod fonts;
pub mod frame_cache;
pub mod image;
pub mod labels;
pub mod layer_view;
pub mod legend;
pub mod overlay;
pub mod pinned;
pub mod point_mesh;
mod rect_grid;
pub mod scale_bar;
pub mod scene;
pub mod screen;
pub mod symbols;
pub mod tile_grid;

/// What every egui context showing raidmap needs (the window's, the tests' and the headless
/// image's): the bundled fonts and the light theme that matches the atlas-style basemap.
pub fn setup_context(ctx: &egui::Context) {
    ctx.set_fonts(fonts::definitions());
    ctx.set_theme(egui::Theme::Light);
}

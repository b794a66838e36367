//! The GUI: an eframe window with the layers panel, the map, the measure tool and the inspector.
//!
//! This is the only part of the crate that names egui, eframe or walkers. It reads and changes
//! the document only through [`app::RaidmapApp::apply`], which applies the commands the panels
//! push.

pub mod a11y;
pub mod app;
pub mod basemap_chooser;
pub mod basemap_stack;
pub mod basemap_view;
pub mod bench_frames;
pub mod command;
pub mod coverage_panel;
pub mod density_view;
pub mod editing;
pub mod file_dialog;
pub mod fonts;
pub mod help_panel;
pub mod image_export;
pub mod inspector;
pub mod layer_view;
pub mod layers_panel;
pub mod loading;
pub mod map_controls;
pub mod map_image;
pub mod map_legend;
pub mod map_view;
pub mod measure_area;
pub mod measure_nearest;
pub mod measure_overlay;
pub mod measure_panel;
pub mod measure_path;
pub mod measure_rings;
pub mod measure_table;
pub mod point_mesh;
pub mod project_files;
pub mod property_editor;
pub mod raster;
pub mod search_box;
pub mod style_editor;
pub mod symbols;
pub mod tiles;
pub mod timeline_panel;

use std::path::PathBuf;
use std::process::ExitCode;

/// The eframe storage key of the theme chosen in the last run (`true`: dark).
pub const DARK_THEME_KEY: &str = "raidmap-dark-theme";

/// What every egui context showing raidmap needs (the window's and the tests'): the bundled
/// fonts and the light theme that matches the atlas-style basemap.
pub fn setup_context(ctx: &egui::Context) {
    ctx.set_fonts(fonts::definitions());
    ctx.set_theme(egui::Theme::Light);
}

/// Open the window on the given files (or the bundled sample data) and run until it closes.
/// `basemap` (from `--basemap`) overrides the basemap remembered from the last run; without
/// either, the offline basemap is shown and nothing connects to the network.
pub fn run_app(files: Vec<PathBuf>, basemap: Option<crate::tiles::Source>) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("raidmap")
            .with_app_id("raidmap")
            .with_inner_size([1500.0, 940.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    // Build the basemap while the window opens, so the first frame does not wait for it.
    std::thread::spawn(|| {
        crate::basemap::Basemap::embedded();
    });
    let result = eframe::run_native(
        "raidmap",
        options,
        Box::new(move |cc| {
            setup_context(&cc.egui_ctx);
            let dark = cc
                .storage
                .and_then(|s| eframe::get_value::<bool>(s, DARK_THEME_KEY))
                .unwrap_or(false);
            if dark {
                cc.egui_ctx.set_theme(egui::Theme::Dark);
            }
            let mut settings: basemap_chooser::BasemapSettings = cc
                .storage
                .and_then(|s| eframe::get_value(s, basemap_chooser::SETTINGS_KEY))
                .unwrap_or_default();
            if let Some(source) = basemap {
                settings.source = source;
            }
            let mut app = app::RaidmapApp::with_files(files);
            // Autosave (and recovery after a crash) in the platform data folder.
            if let Some(dirs) = directories::ProjectDirs::from("", "", "raidmap") {
                app.enable_autosave(dirs.data_dir().to_owned());
            }
            app.map.basemap = basemap_chooser::BasemapState::new(settings);
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("raidmap: could not open the window: {err}");
            ExitCode::FAILURE
        }
    }
}

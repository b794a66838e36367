//! The GUI: an eframe window with the layers panel, the map, the measure tool and the inspector.
//!
//! Laid out by concern: `app/` (the window's state, command handling, projects, loading),
//! `map/` (interaction, hit-testing, editing, tiles), `panels/` (side panels and dialogs),
//! `measure/` (one module per measure mode) and `timeline/`. Drawing lives in
//! [`crate::render`]. The document changes only through [`app::RaidmapApp::apply`], which
//! applies the commands the panels push.

pub mod a11y;
pub mod app;
pub mod command;
pub mod database;
pub mod imagery;
pub mod map;
pub mod measure;
pub mod merge;
pub mod panels;
pub mod publish;
pub mod timeline;

use std::path::PathBuf;
use std::process::ExitCode;

/// The eframe storage key of the theme chosen in the last run (`true`: dark).
pub const DARK_THEME_KEY: &str = "raidmap-dark-theme";

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
    // Private copies of attachments left by a run that crashed.
    crate::evidence::temp::remove_stale();
    // Build the basemap while the window opens, so the first frame does not wait for it.
    std::thread::spawn(|| {
        crate::basemap::Basemap::embedded();
    });
    let result = eframe::run_native(
        "raidmap",
        options,
        Box::new(move |cc| {
            crate::render::setup_context(&cc.egui_ctx);
            let dark = cc
                .storage
                .and_then(|s| eframe::get_value::<bool>(s, DARK_THEME_KEY))
                .unwrap_or(false);
            if dark {
                cc.egui_ctx.set_theme(egui::Theme::Dark);
            }
            let mut settings: map::basemap_chooser::BasemapSettings = cc
                .storage
                .and_then(|s| eframe::get_value(s, map::basemap_chooser::SETTINGS_KEY))
                .unwrap_or_default();
            if let Some(source) = basemap {
                settings.source = source;
            }
            let mut app = app::RaidmapApp::with_files(files);
            // Autosave (and recovery after a crash) in the platform data folder.
            if let Some(dirs) = directories::ProjectDirs::from("", "", "raidmap") {
                app.enable_autosave(dirs.data_dir().to_owned());
            }
            app.map.basemap = map::basemap_chooser::BasemapState::new(settings);
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

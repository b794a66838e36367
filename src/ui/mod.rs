//! The GUI: an eframe window with the layers panel, the map, the measure tool and the inspector.
//!
//! Laid out by concern: `app/` (the window's state, command handling, projects, loading),
//! `map/` (interaction, hit-testing, editing, tiles), `panels/` (side panels and dialogs),
//! `measure/` (one module per measure mode) and `timeline/`. Drawing lives in
//! [`crate::render`]. The document changes only through [`app::RaidmapApp::apply`], which
//! applies the commands the panels push.

pub(crate) mod a11y;
pub mod app;
pub mod bench_frames;
mod bytes;
pub mod command;
mod error_chain;
pub mod imagery;
pub mod map;
pub(crate) mod measure;
pub(crate) mod merge;
pub mod panels;
pub(crate) mod path_field;
pub(crate) mod popup;
pub(crate) mod text_fit;
pub(crate) mod timeline;

use std::path::PathBuf;
use std::process::ExitCode;

/// The eframe storage key of the theme chosen in the last run (`true`: dark).
pub const DARK_THEME_KEY: &str = "raidmap-dark-theme";

/// Open the window on the given files (else the last project, or the bundled sample data on
/// the very first run) and run until it closes (also on SIGTERM or SIGINT, cleanly).
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
            let session = cc
                .storage
                .and_then(|s| eframe::get_value(s, app::session::SESSION_KEY))
                .unwrap_or_default();
            let mut app = app::RaidmapApp::from_session(files, session);
            close_on_signals(&cc.egui_ctx);
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

/// SIGTERM and SIGINT close the window as its close button does, so unsaved work is autosaved,
/// saved work leaves no recovery offer behind, and settings are kept.
fn close_on_signals(ctx: &egui::Context) {
    use futures_lite::StreamExt as _;
    let signals =
        async_signal::Signals::new([async_signal::Signal::Term, async_signal::Signal::Int]);
    let mut signals = match signals {
        Ok(signals) => signals,
        Err(err) => {
            log::warn!("cannot watch for SIGTERM/SIGINT: {err}");
            return;
        }
    };
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            while async_io::block_on(signals.next()).is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                ctx.request_repaint();
            }
        });
    if let Err(err) = spawned {
        log::warn!("cannot start the thread watching for SIGTERM/SIGINT: {err}");
    }
}

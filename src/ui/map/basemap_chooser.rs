//! The basemap chooser: which basemap is shown, how imagery is blended with the offline map,
//! and the tile cache. Its [`BasemapSettings`] are remembered between runs and saved in
//! projects. The imagery-through-time parts it shows (a compared second basemap, the dated
//! releases, *Save area for offline use…*) live in [`crate::ui::imagery`].
//!
//! What it promises: the offline basemap is the default, and until the user picks an online
//! source here (or with `--basemap`, or picked one in an earlier run) no tile loader, HTTP client
//! or socket exists: the tile layer is built in [`BasemapState::prepare`], from the chosen
//! [`Source`], and only then. Online choices say plainly that they connect to a server and
//! what it learns. With the project's tile privacy switch on ([`BasemapState::memory_only`])
//! no tile is written to disk: the loader gets no disk cache.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use egui::{Color32, RichText};
use serde::{Deserialize, Serialize};

use crate::tiles::cache::{DEFAULT_LIMIT_BYTES, default_root};
use crate::tiles::{DiskCache, Source, WaybackChoice};
use crate::ui::bytes::format_bytes;
use crate::ui::imagery::compare::{Compare, CompareSettings};
use crate::ui::imagery::save_area::SaveArea;
use crate::ui::imagery::wayback::WaybackList;
use crate::ui::map::tiles::{TileLayer, TileStatus};

/// What the user chose, remembered between runs (eframe storage, key [`SETTINGS_KEY`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BasemapSettings {
    pub source: Source,
    /// Opacity of the imagery over the offline basemap, 0–1.
    pub opacity: f32,
    /// Draw country and province borders above imagery.
    pub borders_above: bool,
    /// Draw place names above imagery.
    pub labels_above: bool,
    /// Size limit of the tile cache, in megabytes.
    pub cache_limit_mb: u64,
    /// A second basemap compared with this one.
    pub compare: CompareSettings,
    /// Where the dated imagery releases are listed (Esri's Wayback configuration).
    pub wayback_config: String,
}

/// Where eframe keeps [`BasemapSettings`].
pub const SETTINGS_KEY: &str = "raidmap.basemap";

impl Default for BasemapSettings {
    fn default() -> Self {
        Self {
            source: Source::Offline,
            opacity: 1.0,
            borders_above: true,
            labels_above: true,
            cache_limit_mb: DEFAULT_LIMIT_BYTES / 1_000_000,
            compare: CompareSettings::default(),
            wayback_config: crate::tiles::wayback::DEFAULT_CONFIG_URL.to_owned(),
        }
    }
}

/// The chosen basemap and, once it is needed, its tile layer and cache.
pub struct BasemapState {
    pub settings: BasemapSettings,
    tiles: Option<TileLayer>,
    /// The source `tiles` (or `problem`) belongs to; `None` before the first frame.
    active: Option<Source>,
    /// Why the chosen source could not be opened.
    problem: Option<String>,
    cache: Option<Arc<DiskCache>>,
    /// The project's tile privacy switch: downloaded tiles are kept in memory only.
    memory_only: bool,
    /// Where the cache lives; `None` for the platform cache folder.
    cache_root: Option<PathBuf>,
    /// The chooser panel is open.
    pub open: bool,
    xyz_input: String,
    file_input: String,
    browse: Option<Receiver<Option<PathBuf>>>,
    /// The second basemap of a comparison.
    pub compare: Compare,
    /// The dated imagery releases.
    pub wayback: WaybackList,
    /// *Save area for offline use…*.
    pub save_area: SaveArea,
    /// The view as the map last showed it: W,S,E,N and the zoom.
    view: Option<([f64; 4], f64)>,
}

impl Default for BasemapState {
    fn default() -> Self {
        Self::new(BasemapSettings::default())
    }
}

impl BasemapState {
    pub fn new(settings: BasemapSettings) -> Self {
        let xyz_input = match &settings.source {
            Source::Xyz(t) => t.clone(),
            _ => String::new(),
        };
        let file_input = match &settings.source {
            Source::MbTiles(p) | Source::PmTiles(p) => p.display().to_string(),
            _ => String::new(),
        };
        Self {
            settings,
            tiles: None,
            active: None,
            problem: None,
            cache: None,
            memory_only: false,
            cache_root: None,
            open: false,
            xyz_input,
            file_input,
            browse: None,
            compare: Compare::default(),
            wayback: WaybackList::default(),
            save_area: SaveArea::default(),
            view: None,
        }
    }

    /// Show `source` from the next frame on.
    pub fn choose(&mut self, source: Source) {
        match &source {
            Source::Xyz(t) => self.xyz_input = t.clone(),
            Source::MbTiles(p) | Source::PmTiles(p) => self.file_input = p.display().to_string(),
            _ => {}
        }
        self.settings.source = source;
    }

    pub fn source(&self) -> &Source {
        &self.settings.source
    }

    /// Keep downloaded tiles in `root` instead of the platform cache folder (tests, portable
    /// set-ups).
    pub fn set_cache_root(&mut self, root: PathBuf) {
        self.cache_root = Some(root);
        self.cache = None;
    }

    /// Whether downloaded tiles are kept in memory only (the project's switch).
    pub fn memory_only(&self) -> bool {
        self.memory_only
    }

    /// Keep downloaded tiles in memory only (no disk cache) or not; the tile layer is made
    /// again for the next frame when this changes.
    pub fn set_memory_only(&mut self, on: bool) {
        if self.memory_only != on {
            self.memory_only = on;
            self.active = None;
            // The second basemap of a comparison is opened again too.
            self.compare.close_if_off(&CompareSettings::default());
        }
    }

    /// Make the tile layer match the chosen source. Called every frame before the map is
    /// drawn; does something only when the choice changed. The only place a tile layer (and
    /// so, for an online source, an HTTP client) is made.
    pub fn prepare(&mut self, ctx: &egui::Context) {
        match self.wayback.resolved() {
            Some(Ok(release)) => self.choose(release),
            Some(Err(problem)) => self.problem = Some(problem),
            None => {}
        }
        self.compare.close_if_off(&self.settings.compare);
        if let Some(second) = self.compare.wanted(&self.settings.compare) {
            let layer = self.open_layer(&second, ctx);
            self.compare.set_layer(second, layer);
        }
        if self.active.as_ref() == Some(&self.settings.source) {
            return;
        }
        let source = self.settings.source.clone();
        // Dropping the old layer stops its workers.
        self.tiles = None;
        self.problem = None;
        if let Source::Wayback(WaybackChoice {
            date,
            release: None,
        }) = &source
        {
            // Asked for by date (`--basemap wayback:DATE`): the list is read on a thread and
            // the nearest release chosen when it is in.
            self.wayback
                .resolve_later(date, &self.settings.wayback_config, ctx);
        } else {
            match self.open_layer(&source, ctx) {
                Ok(layer) => self.tiles = layer,
                Err(problem) => self.problem = Some(problem),
            }
        }
        self.active = Some(source);
    }

    /// A tile layer for `source` (`None` for the offline basemap), downloading into the cache
    /// if it is online.
    fn open_layer(
        &mut self,
        source: &Source,
        ctx: &egui::Context,
    ) -> Result<Option<TileLayer>, String> {
        if let Source::Wayback(WaybackChoice { release: None, .. }) = source {
            // Reading the list here would make the window wait for the network.
            return Err("choose a release from the list of dated releases".into());
        }
        let cache = if source.is_online() && !self.memory_only {
            self.cache()
        } else {
            None
        };
        match source.open(cache) {
            Ok(Some(loader)) => Ok(Some(TileLayer::new(loader, ctx.clone()))),
            Ok(None) => Ok(None),
            Err(err) => {
                log::warn!("basemap {}: {err}", source.label());
                Err(crate::tiles::describe(&err))
            }
        }
    }

    /// Paint the imagery under the data: this basemap's tiles and, when comparing, the
    /// second's (each on its side of the divider, or blended).
    pub fn paint_imagery(&mut self, painter: &egui::Painter, projector: &walkers::Projector) {
        let rect = projector.clip_rect();
        let a = projector.unproject(rect.left_bottom().to_vec2());
        let b = projector.unproject(rect.right_top().to_vec2());
        self.view = Some(([a.x(), a.y(), b.x(), b.y()], projector.zoom()));
        self.compare.paint_tiles(
            &self.settings.compare,
            painter,
            projector,
            self.tiles.as_mut(),
            self.settings.opacity,
        );
    }

    /// Over the data: the comparison's divider (draggable) and names, or the dated release's
    /// name.
    pub fn paint_over(&mut self, ui: &mut egui::Ui, rect: egui::Rect) {
        self.compare
            .paint_over(&mut self.settings.compare, ui, rect, &self.settings.source);
    }

    /// The comparison's keys (before the map's own, which they take Shift+arrows from).
    pub fn keys(&mut self, ctx: &egui::Context) {
        crate::ui::imagery::compare::keys(ctx, &mut self.settings.compare);
    }

    /// Whether any imagery (this basemap's or a compared one's) is drawn, and their credits.
    pub fn imagery_credit(&self) -> (bool, Option<String>) {
        let second = self
            .settings
            .compare
            .on
            .then(|| self.compare.tiles())
            .flatten();
        let credits = crate::tiles::credit::join(
            [self.tiles(), second]
                .into_iter()
                .flatten()
                .filter_map(TileLayer::attribution_text),
        );
        let shown = self.tiles.is_some() || second.is_some();
        (shown, credits)
    }

    pub fn tiles(&self) -> Option<&TileLayer> {
        self.tiles.as_ref()
    }

    /// Why the chosen basemap is not shown, if it could not be opened.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    pub fn status(&self) -> Option<TileStatus> {
        self.tiles.as_ref().map(TileLayer::status)
    }

    /// The tile cache, made (not yet scanned, no folder created) on first use. The size is
    /// counted on a background thread.
    fn cache(&mut self) -> Option<Arc<DiskCache>> {
        if self.cache.is_none() {
            let root = self.cache_root.clone().or_else(default_root)?;
            let cache = Arc::new(DiskCache::new(
                root,
                self.settings.cache_limit_mb.saturating_mul(1_000_000),
            ));
            let counting = cache.clone();
            let spawned = std::thread::Builder::new()
                .name("tile-cache-scan".into())
                .spawn(move || {
                    if let Err(err) = counting.scan() {
                        log::warn!("could not read the tile cache: {err}");
                    }
                });
            if let Err(err) = spawned {
                log::warn!("could not count the tile cache: {err}");
            }
            self.cache = Some(cache);
        }
        self.cache.clone()
    }

    /// The basemap button at the map's top right, and the chooser under it when open. A basemap
    /// that could not be opened is reported there even when the chooser is closed. Also the
    /// *Save area for offline use* window, while open. Esc or a click outside it closes the
    /// open chooser (not a click in one of its own drop-down lists, which egui shows as
    /// popups outside it).
    /// Returns what its button (and a problem note) covers of the map, not the open chooser
    /// itself: the map's labels keep clear of the former and do not move while choosing.
    pub fn chooser_area_ui(&mut self, ctx: &egui::Context, map_rect: egui::Rect) -> egui::Rect {
        let mut button = egui::Rect::NOTHING;
        if let Some(saved) = self
            .save_area
            .window_ui(ctx, self.view.map(|(view, _)| view))
        {
            self.choose(saved);
        }
        let shown = egui::Area::new(egui::Id::unique("basemap-chooser"))
            .pivot(egui::Align2::RIGHT_TOP)
            .fixed_pos(map_rect.right_top() + egui::vec2(-10.0, 10.0))
            .constrain_to(map_rect)
            .show(ctx, |ui| {
                // The chooser is as wide as its contents, not as the map.
                ui.set_max_width(430.0);
                ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                    let online = self.settings.source.is_online();
                    let label = format!("Basemap: {}", self.settings.source.label());
                    let text = if online {
                        RichText::new(format!("{label} (online)"))
                    } else {
                        RichText::new(label)
                    };
                    let frame = egui::Frame::popup(ui.style())
                        .inner_margin(3.0)
                        .show(ui, |ui| {
                            if ui
                                .selectable_label(self.open, text.strong())
                                .on_hover_text("Choose the basemap: offline, online or a tile file")
                                .clicked()
                            {
                                self.open = !self.open;
                            }
                        });
                    button = frame.response.rect;
                    if let Some(problem) = self.problem.clone()
                        && !self.open
                    {
                        let note = egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.set_max_width(340.0);
                            ui.label(
                                RichText::new(format!(
                                    "The basemap could not be opened: {problem}. Showing the \
                                     offline basemap."
                                ))
                                .color(Color32::from_rgb(190, 30, 30)),
                            );
                        });
                        button = button.union(note.response.rect);
                    }
                    if self.open {
                        egui::Frame::popup(ui.style()).show(ui, |ui| {
                            ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                                self.chooser_ui(ui);
                            });
                        });
                    }
                });
            });
        if self.open && crate::ui::popup::closes(ctx, shown.response.rect) {
            self.open = false;
        }
        button
    }

    /// The chooser's contents.
    pub fn chooser_ui(&mut self, ui: &mut egui::Ui) {
        self.poll_browse();
        ui.set_max_width(380.0);
        ui.strong("Basemap");
        let current = self.settings.source.clone();
        let online_note = RichText::new("online").small().color(ONLINE_COLOUR);
        let mut picked = self.preset_sources_ui(ui, &current, &online_note);
        if let Some(source) = self.typed_sources_ui(ui, &current, &online_note) {
            picked = Some(source);
        }
        self.network_note_ui(ui, &current);

        if let Some(source) = picked {
            // A typed template or path is checked here, so a mistake is shown next to it
            // instead of leaving the map unchanged for no visible reason.
            match source.check() {
                Ok(()) => self.choose(source),
                Err(err) => self.problem = Some(crate::tiles::describe(&err)),
            }
        }

        self.imagery_options_ui(ui);
    }

    /// The offline basemap and the online sources by name (with the Wayback releases under
    /// the satellite); the one clicked.
    fn preset_sources_ui(
        &mut self,
        ui: &mut egui::Ui,
        current: &Source,
        online_note: &RichText,
    ) -> Option<Source> {
        let mut picked: Option<Source> = None;
        if ui
            .radio(*current == Source::Offline, "Offline basemap (built in)")
            .clicked()
        {
            picked = Some(Source::Offline);
        }
        for (source, label) in [
            (Source::OpenStreetMap, "OpenStreetMap"),
            (Source::Satellite, "Satellite (Esri World Imagery)"),
            (Source::OpenTopoMap, "OpenTopoMap"),
        ] {
            ui.horizontal(|ui| {
                if ui.radio(*current == source, label).clicked() {
                    picked = Some(source.clone());
                }
                ui.label(online_note.clone());
            });
            if source == Source::Satellite {
                ui.horizontal(|ui| {
                    ui.add_space(22.0);
                    ui.vertical(|ui| {
                        let chosen = self.wayback.ui(
                            ui,
                            &mut self.settings.wayback_config,
                            current,
                            self.view
                                .map(|([w, s, e, n], _)| ((w + e) / 2.0, (s + n) / 2.0)),
                        );
                        picked = picked.take().or(chosen);
                    });
                });
            }
        }

        picked
    }

    /// A typed XYZ URL and a tile file (typed or browsed for); the one chosen.
    fn typed_sources_ui(
        &mut self,
        ui: &mut egui::Ui,
        current: &Source,
        online_note: &RichText,
    ) -> Option<Source> {
        let mut picked: Option<Source> = None;
        ui.horizontal(|ui| {
            let is_xyz = matches!(current, Source::Xyz(_));
            if ui.radio(is_xyz, "XYZ URL").clicked() && !self.xyz_input.trim().is_empty() {
                picked = Some(Source::Xyz(self.xyz_input.trim().to_owned()));
            }
            ui.label(online_note.clone());
        });
        ui.horizontal(|ui| {
            ui.add_space(22.0);
            let name = ui.label(RichText::new("URL").small());
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.xyz_input)
                        .hint_text("https://…/{z}/{x}/{y}.png")
                        .desired_width(250.0),
                )
                .labelled_by(name.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Use URL").clicked() || enter) && !self.xyz_input.trim().is_empty() {
                picked = Some(Source::Xyz(self.xyz_input.trim().to_owned()));
            }
        });

        ui.horizontal(|ui| {
            let is_file = matches!(current, Source::MbTiles(_) | Source::PmTiles(_));
            if ui
                .radio(is_file, "Tile file (.mbtiles, .pmtiles)")
                .clicked()
                && !self.file_input.trim().is_empty()
            {
                picked = Some(file_source(self.file_input.trim()));
            }
        });
        ui.horizontal(|ui| {
            ui.add_space(22.0);
            let name = ui.label(RichText::new("Path").small());
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.file_input)
                        .hint_text("path of a .mbtiles or .pmtiles file")
                        .desired_width(170.0),
                )
                .labelled_by(name.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Use file").clicked() || enter) && !self.file_input.trim().is_empty() {
                picked = Some(file_source(self.file_input.trim()));
            }
            if ui.button("Browse…").clicked() {
                self.browse_for_file(ui.ctx());
            }
        });

        picked
    }

    /// A problem with the chosen source, what the network learns, and how the tiles load.
    fn network_note_ui(&mut self, ui: &mut egui::Ui, current: &Source) {
        if let Some(problem) = &self.problem {
            ui.label(RichText::new(problem).color(Color32::from_rgb(190, 30, 30)));
        }
        if current.is_online() {
            ui.label(
                RichText::new(
                    "Online: tiles are downloaded from the server. It learns your IP address \
                     (so roughly where you are, unless you use a VPN or Tor), every tile you \
                     look at (the places and zoom levels you study) and when. It does not see \
                     your layers, features or project.",
                )
                .small()
                .color(ONLINE_COLOUR),
            );
        } else {
            ui.label(
                RichText::new("Nothing is sent over the network.")
                    .small()
                    .color(Color32::from_rgb(40, 120, 60)),
            );
        }
        if let Some(status) = self.status() {
            status_ui(ui, &status);
            if status.failed > 0
                && ui.small_button("Retry now").clicked()
                && let Some(tiles) = self.tiles.as_mut()
            {
                tiles.retry_failed_now();
            }
        }
    }

    /// Imagery opacity and what goes above it, the comparison, and *Save area…*.
    fn imagery_options_ui(&mut self, ui: &mut egui::Ui) {
        ui.separator();
        let imagery = self.settings.source != Source::Offline;
        ui.add_enabled_ui(imagery, |ui| {
            ui.add(
                egui::Slider::new(&mut self.settings.opacity, 0.0..=1.0)
                    .text("Imagery opacity")
                    .custom_formatter(|v, _| format!("{:.0} %", v * 100.0))
                    .custom_parser(|t| {
                        t.trim_end_matches('%')
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .map(|v| v / 100.0)
                    }),
            );
            ui.checkbox(&mut self.settings.borders_above, "Borders above imagery");
            ui.checkbox(&mut self.settings.labels_above, "Place names above imagery");
        });

        ui.separator();
        self.compare
            .ui(ui, &mut self.settings.compare, self.wayback.releases());

        ui.separator();
        if ui
            .button("Save area for offline use…")
            .on_hover_text("Download the tiles of an area into an .mbtiles file")
            .clicked()
        {
            let (view, zoom) = self.view.map_or((None, 7.0), |(v, z)| (Some(v), z));
            self.save_area
                .show(self.settings.source.clone(), view, zoom);
        }
        self.cache_ui(ui);
    }

    fn cache_ui(&mut self, ui: &mut egui::Ui) {
        let mut memory_only = self.memory_only;
        ui.checkbox(
            &mut memory_only,
            "Keep no tiles on disk for this project (memory only)",
        )
        .on_hover_text(
            "Downloaded tiles stay in memory and are gone when raidmap closes, so the cache \
             folder shows nothing of the areas you viewed. Saved with the project.",
        );
        self.set_memory_only(memory_only);
        if self.memory_only {
            ui.label(
                RichText::new("No tile is written to disk while this project is open.")
                    .small()
                    .color(Color32::from_rgb(40, 120, 60)),
            );
        }
        let Some(cache) = self.cache() else {
            ui.label("No cache folder on this system: downloaded tiles are not kept.");
            return;
        };
        ui.horizontal(|ui| {
            ui.label("Tile cache:");
            match cache.used_bytes() {
                Some(bytes) => ui.label(format!(
                    "{} of {}",
                    format_bytes(bytes),
                    format_bytes(cache.limit_bytes())
                )),
                None => ui.label("counting…"),
            };
            if ui
                .button("Clear cache")
                .on_hover_text("Remove every downloaded tile (they show which areas you viewed)")
                .clicked()
            {
                let clearing = cache.clone();
                let ctx = ui.ctx().clone();
                let spawned = std::thread::Builder::new()
                    .name("tile-cache-clear".into())
                    .spawn(move || {
                        if let Err(err) = clearing.clear() {
                            log::warn!("could not clear the tile cache: {err}");
                        }
                        ctx.request_repaint();
                    });
                if let Err(err) = spawned {
                    log::warn!("could not clear the tile cache: {err}");
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("Limit");
            let changed = ui
                .add(
                    egui::DragValue::new(&mut self.settings.cache_limit_mb)
                        .range(10..=100_000)
                        .suffix(" MB"),
                )
                .changed();
            if changed {
                let limit = self.settings.cache_limit_mb.saturating_mul(1_000_000);
                let resizing = cache.clone();
                let spawned = std::thread::Builder::new()
                    .name("tile-cache-limit".into())
                    .spawn(move || {
                        if let Err(err) = resizing.set_limit_bytes(limit) {
                            log::warn!("could not shrink the tile cache: {err}");
                        }
                    });
                if let Err(err) = spawned {
                    log::warn!("could not shrink the tile cache: {err}");
                }
            }
        });
        ui.label(
            RichText::new(cache.root().display().to_string())
                .small()
                .weak(),
        );
        // The size changes as tiles arrive.
        ui.ctx().request_repaint_after(Duration::from_secs(1));
    }

    fn browse_for_file(&mut self, ctx: &egui::Context) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("tile-file-dialog".into())
            .spawn(move || {
                let path = rfd::FileDialog::new()
                    .set_title("Open a tile file")
                    .add_filter("Tile files", &["mbtiles", "pmtiles"])
                    .pick_file();
                let _ = tx.send(path);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.browse = Some(rx),
            Err(err) => self.problem = Some(format!("cannot show a file dialog: {err}")),
        }
    }

    fn poll_browse(&mut self) {
        let Some(rx) = &self.browse else {
            return;
        };
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.browse = None;
                let source = file_source(&path.display().to_string());
                self.file_input = path.display().to_string();
                match source.check() {
                    Ok(()) => self.choose(source),
                    Err(err) => self.problem = Some(crate::tiles::describe(&err)),
                }
            }
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => self.browse = None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }
}

const ONLINE_COLOUR: Color32 = Color32::from_rgb(170, 90, 0);

/// A path typed or picked: `.pmtiles` by its extension, anything else is tried as MBTiles
/// (and reported if it is not).
fn file_source(path: &str) -> Source {
    let path = PathBuf::from(path);
    let is_pmtiles = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pmtiles"));
    if is_pmtiles {
        Source::PmTiles(path)
    } else {
        Source::MbTiles(path)
    }
}

fn status_ui(ui: &mut egui::Ui, status: &TileStatus) {
    if status.loading > 0 {
        ui.label(RichText::new(format!("Loading {} tiles…", status.loading)).small());
    }
    if status.failed > 0 {
        let why = status.last_error.as_deref().unwrap_or("unknown error");
        ui.label(
            RichText::new(format!(
                "{} tiles could not be loaded and will be tried again ({why}). The offline \
                 basemap shows where they are missing.",
                status.failed
            ))
            .small()
            .color(Color32::from_rgb(190, 30, 30)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_offline_with_a_500_mb_cache() {
        let s = BasemapSettings::default();
        assert_eq!(s.source, Source::Offline);
        assert_eq!(s.cache_limit_mb, 500);
        // Settings from an older version (missing fields) still load.
        let old: BasemapSettings =
            serde_json::from_str(r#"{"source":{"kind":"satellite"}}"#).expect("loads");
        assert_eq!(old.source, Source::Satellite);
        assert_eq!(old.opacity, 1.0);
    }

    #[test]
    fn the_offline_basemap_makes_no_tile_layer() {
        let ctx = egui::Context::default();
        let mut state = BasemapState::default();
        state.prepare(&ctx);
        assert!(state.tiles().is_none());
        assert!(state.cache.is_none(), "no cache is even set up");
        assert!(state.problem().is_none());
    }
}

//! The dated satellite imagery releases (Esri World Imagery Wayback) in the basemap panel.
//!
//! The list is read from the configuration's address (a setting; Esri's by default) only when
//! the user opens it, on a thread, so the window never waits for the network and nothing is
//! fetched before. A release is chosen from the list or by a date (the nearest release); "only
//! releases that changed here" asks the map server's tilemap, also on a thread, which releases
//! brought new imagery at the middle of the view.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Color32, RichText};

use crate::tiles::wayback::{self, Release};
use crate::tiles::{Source, TileKey, WaybackChoice};

/// Zoom level at which "changed here" asks the tilemap (fine enough to tell sites apart).
const CHANGED_ZOOM: u8 = 15;

type Answer<T> = Receiver<T>;

/// The list's state between frames.
#[derive(Default)]
pub struct WaybackList {
    /// The list is shown.
    pub open: bool,
    releases: Vec<Release>,
    /// The address the releases were read from.
    read_from: Option<String>,
    loading: Option<Answer<Result<Vec<Release>, String>>>,
    problem: Option<String>,
    date_input: String,
    only_changed: bool,
    /// Releases that changed at this tile, oldest first (`None`: the server does not say).
    changed: Option<(TileKey, Option<Vec<Release>>)>,
    changed_loading: Option<(TileKey, Answer<Option<Vec<Release>>>)>,
    /// A date the basemap was asked for before the list was read.
    pending: Option<String>,
}

impl WaybackList {
    /// The releases read so far, oldest first (empty before the list was opened).
    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// Read the releases from `url` on a thread (online).
    pub fn load(&mut self, url: &str, ctx: &egui::Context) {
        let (tx, rx) = channel();
        let url_owned = url.to_owned();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("wayback-config".into())
            .spawn(move || {
                let result =
                    wayback::fetch_releases(&url_owned).map_err(|err| crate::tiles::describe(&err));
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.loading = Some(rx);
                self.read_from = Some(url.to_owned());
                self.problem = None;
                self.changed = None;
            }
            Err(err) => self.problem = Some(format!("cannot read the releases: {err}")),
        }
    }

    fn poll(&mut self) {
        if let Some(rx) = &self.loading {
            match rx.try_recv() {
                Ok(Ok(releases)) => {
                    self.releases = releases;
                    self.loading = None;
                }
                Ok(Err(problem)) => {
                    self.problem = Some(problem);
                    self.loading = None;
                }
                Err(TryRecvError::Disconnected) => self.loading = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        if let Some((key, rx)) = &self.changed_loading {
            match rx.try_recv() {
                Ok(changed) => {
                    self.changed = Some((*key, changed));
                    self.changed_loading = None;
                }
                Err(TryRecvError::Disconnected) => self.changed_loading = None,
                Err(TryRecvError::Empty) => {}
            }
        }
    }

    /// Choose the release nearest `date` once the list (read now from `url`, on a thread) is in:
    /// see [`WaybackList::resolved`].
    pub fn resolve_later(&mut self, date: &str, url: &str, ctx: &egui::Context) {
        self.pending = Some(date.to_owned());
        if self.loading.is_none() {
            self.load(url, ctx);
        }
    }

    /// The release nearest the date of [`WaybackList::resolve_later`] once the list is in, or
    /// why there is none.
    pub fn resolved(&mut self) -> Option<Result<Source, String>> {
        self.pending.as_ref()?;
        self.poll();
        if self.loading.is_some() {
            return None;
        }
        let date = self.pending.take()?;
        if let Some(problem) = &self.problem {
            return Some(Err(format!(
                "the dated releases could not be read: {problem}"
            )));
        }
        let Some(day) = wayback::parse_day(&date) else {
            return Some(Err(format!("{date:?} is not a date; write YYYY-MM-DD")));
        };
        Some(
            wayback::nearest(&self.releases, day)
                .map(|r| source_of(&date, r))
                .ok_or_else(|| "the list of dated releases is empty".to_owned()),
        )
    }

    /// Ask which releases changed at `key`, on a thread (online).
    fn ask_changed(&mut self, key: TileKey, ctx: &egui::Context) {
        if self.changed.as_ref().is_some_and(|(k, _)| *k == key)
            || self
                .changed_loading
                .as_ref()
                .is_some_and(|(k, _)| *k == key)
        {
            return;
        }
        let (tx, rx) = channel();
        let releases = self.releases.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("wayback-tilemap".into())
            .spawn(move || {
                let _ = tx.send(wayback::changed_releases(&releases, key));
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.changed_loading = Some((key, rx));
        }
    }

    /// The list in the basemap panel. `config_url` is the setting (editable here), `centre` the
    /// middle of the view (lon, lat). Returns the release the user chose, as a source.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        config_url: &mut String,
        current: &Source,
        centre: Option<(f64, f64)>,
    ) -> Option<Source> {
        self.poll();
        let mut picked = None;
        let toggle = ui
            .selectable_label(self.open, "Dated imagery releases (Wayback)…")
            .on_hover_text(
                "Esri World Imagery as it was on a date: reads the list of releases from Esri \
                 (online) when opened",
            );
        if toggle.clicked() {
            self.open = !self.open;
            let stale = self.read_from.as_deref() != Some(config_url.as_str());
            if self.open && (self.releases.is_empty() || stale) && self.loading.is_none() {
                self.load(config_url, ui.ctx());
            }
        }
        if !self.open {
            return None;
        }
        ui.indent("wayback", |ui| {
            self.list_source_ui(ui, config_url);
            if self.releases.is_empty() {
                return;
            }
            picked = self.by_date_ui(ui);
            let key = centre.map(|(lon, lat)| TileKey::at(lon, lat, CHANGED_ZOOM));
            ui.add_enabled_ui(key.is_some(), |ui| {
                ui.checkbox(
                    &mut self.only_changed,
                    "Only releases that changed here (middle of the view)",
                );
            });
            let shown = self.shown_releases(ui, key);
            ui.label(
                RichText::new(format!(
                    "{} of {} releases, newest first",
                    shown.len(),
                    self.releases.len()
                ))
                .small(),
            );
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .id_salt("wayback-releases")
                .show(ui, |ui| {
                    for release in shown.iter().rev() {
                        let chosen = matches!(current, Source::Wayback(WaybackChoice { release: Some(r), .. }) if r.number == release.number);
                        if ui
                            .radio(chosen, format!("{} (release {})", release.date, release.number))
                            .clicked()
                        {
                            picked = Some(source_of(&release.date, release));
                        }
                    }
                });
        });
        picked
    }

    /// Where the list of releases is read from (editable, Reload), and how reading it goes.
    fn list_source_ui(&mut self, ui: &mut egui::Ui, config_url: &mut String) {
        ui.horizontal(|ui| {
            let name = ui.label(RichText::new("List from").small());
            let edit = ui
                .add(egui::TextEdit::singleline(config_url).desired_width(200.0))
                .labelled_by(name.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.small_button("Reload").clicked() || enter) && self.loading.is_none() {
                self.load(config_url, ui.ctx());
            }
        });
        if self.loading.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the list of releases…");
            });
        }
        if let Some(problem) = &self.problem {
            ui.label(
                RichText::new(format!("The releases could not be read: {problem}"))
                    .color(Color32::from_rgb(190, 30, 30)),
            );
        }
    }

    /// A date typed and "Nearest release": the release nearest that date.
    fn by_date_ui(&mut self, ui: &mut egui::Ui) -> Option<Source> {
        let mut picked = None;
        ui.horizontal(|ui| {
            let name = ui.label("Date");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.date_input)
                        .hint_text("YYYY-MM-DD")
                        .desired_width(crate::ui::text_fit::field_width(ui, "YYYY-MM-DD")),
                )
                .labelled_by(name.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Nearest release").clicked() || enter {
                match wayback::parse_day(&self.date_input) {
                    Some(day) => {
                        picked = wayback::nearest(&self.releases, day)
                            .map(|r| source_of(&self.date_input, r));
                        self.problem = None;
                    }
                    None => {
                        self.problem = Some(format!(
                            "{:?} is not a date; write YYYY-MM-DD",
                            self.date_input
                        ))
                    }
                }
            }
        });
        picked
    }

    /// The releases to list: all, or (when asked) those that changed the tile in the middle
    /// of the view, once the server has said which.
    fn shown_releases(&mut self, ui: &mut egui::Ui, key: Option<TileKey>) -> Vec<Release> {
        match (self.only_changed, key) {
            (true, Some(key)) => {
                self.ask_changed(key, ui.ctx());
                match &self.changed {
                    Some((k, Some(changed))) if *k == key => changed.clone(),
                    Some((k, None)) if *k == key => {
                        ui.label(
                            RichText::new("The server does not say; every release is listed.")
                                .small(),
                        );
                        self.releases.clone()
                    }
                    _ => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label("Asking which releases changed here…");
                        });
                        Vec::new()
                    }
                }
            }
            _ => self.releases.clone(),
        }
    }
}

/// The source showing `release`, asked for as `date`.
fn source_of(date: &str, release: &Release) -> Source {
    Source::Wayback(WaybackChoice {
        date: date.trim().to_owned(),
        release: Some(release.clone()),
    })
}

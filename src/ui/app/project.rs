//! Project files in the GUI: Open, Save and Save As (`crate::project` does the format), the
//! unsaved-changes state, autosave every minute to the platform data folder, and the offer to
//! recover after raidmap did not close cleanly.
//!
//! Promises: a failed save leaves the document marked unsaved, says why, and autosave keeps
//! the work; opening a project over unsaved changes asks first; a project's online basemap is
//! not switched on by opening the project (the network is used only when the user chooses it).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant, SystemTime};

use egui::RichText;

use crate::model::LayerId;
use crate::project::{self, SaveLayer, Settings};
use crate::render::layer_view::Prepared;
use crate::ui::app::RaidmapApp;
use crate::ui::command::Command;
use crate::ui::map::basemap_chooser::BasemapSettings;
use crate::ui::panels::layers::ProblemReport;

use super::autosave::{self, AUTOSAVE_FILE, AUTOSAVE_OF_FILE, RUNNING_FILE};

/// How often unsaved work is autosaved.
pub(crate) const AUTOSAVE_EVERY: Duration = Duration::from_secs(60);

/// The project state of the GUI.
#[derive(Default)]
pub struct ProjectFiles {
    /// The project's file, once opened or saved.
    pub path: Option<PathBuf>,
    /// The document's revision when last saved or opened.
    saved_revision: u64,
    /// The layers' styles and visibility then ([`RaidmapApp::views_fingerprint`]).
    saved_views: u64,
    /// The last views fingerprint and what it was made for.
    views_memo: std::cell::RefCell<Option<(ViewsKey, u64)>>,
    /// How many views fingerprints were made ([`RaidmapApp::fingerprints_made`]).
    fingerprints_made: std::cell::Cell<u64>,
    /// Layers that were embedded in the opened project: saved embedded again.
    pub embedded: HashSet<LayerId>,
    autosave: Option<Autosave>,
    /// A path typed when no file dialog is available: `(save, path)`.
    prompt: Option<(bool, String)>,
    /// A project waiting for "discard unsaved changes?".
    confirm_open: Option<PathBuf>,
    /// Autosaved work found at start, offered for recovery.
    pub recovery: Option<PathBuf>,
    /// A project being read on its own thread (its layers can be big files).
    opening: Option<Opening>,
    /// The project's attached files, custody log and seal, saved with it.
    pub evidence: crate::evidence::Evidence,
    /// Attachments whose bytes did not match their hash when the project was opened.
    pub failed_hashes: std::collections::BTreeSet<String>,
    /// Private temporary copies of attachments opened in the system viewer; deleted when
    /// another project is opened and when raidmap exits.
    pub temp_copies: crate::evidence::temp::TempCopies,
    /// The window asking for an encrypted project's passphrase or identity file.
    pub(super) unlock: Option<super::unlock::Unlock>,
    /// The *Encrypt project…* window.
    pub(super) encrypt: super::encrypt::EncryptDialog,
    /// Whether the custody log window is shown.
    pub custody_open: bool,
}

/// A project being read: where from, whether it is recovered work, and the reading thread's
/// answer (the project with each layer's index and dates prepared).
struct Opening {
    path: PathBuf,
    recovered: bool,
    result: Receiver<Result<(project::Project, Vec<Prepared>), project::ProjectError>>,
}

/// What the views fingerprint is made from, by revision: the custody log's length, the
/// basemap's memory-only setting, and each layer's visibility and style revision in order.
#[derive(PartialEq)]
struct ViewsKey {
    log_entries: usize,
    memory_only: bool,
    views: Vec<(LayerId, bool, u64)>,
}

struct Autosave {
    dir: PathBuf,
    last: Instant,
    /// The document revision and views fingerprint last autosaved.
    saved: Option<(u64, u64)>,
    /// The thread sealing and writing the autosaves.
    writer: autosave::Writer,
}

impl ProjectFiles {
    /// Where autosaves go.
    pub fn autosave_path(&self) -> Option<PathBuf> {
        self.autosave.as_ref().map(|a| a.dir.join(AUTOSAVE_FILE))
    }
}

/// A project file name for Save As.
fn suggested_name(path: Option<&Path>) -> String {
    path.and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "investigation.raidmap".into())
}

impl RaidmapApp {
    /// What identifies how the layers are shown (styles, visibility) and the custody log's
    /// length, to notice unsaved changes that are not edits. Made anew (serialising every
    /// style) only when a style, a visibility, the log or the basemap's memory-only setting
    /// changed since the last call ([`ViewsKey`]), so a frame with nothing changed does not.
    fn views_fingerprint(&self) -> u64 {
        let key = ViewsKey {
            log_entries: self.project.evidence.log.entries().len(),
            memory_only: self.map.basemap.memory_only(),
            views: self
                .doc
                .layers()
                .filter_map(|(id, _)| {
                    let view = self.views.get(&id)?;
                    Some((id, view.visible, view.style_revision()))
                })
                .collect(),
        };
        let mut memo = self.project.views_memo.borrow_mut();
        if let Some((made_for, fingerprint)) = memo.as_ref()
            && *made_for == key
        {
            return *fingerprint;
        }
        let fingerprint = self.hash_views(&key);
        self.project
            .fingerprints_made
            .set(self.project.fingerprints_made.get() + 1);
        *memo = Some((key, fingerprint));
        fingerprint
    }

    /// The fingerprint of what `key` names: by content (a style changed and changed back is
    /// no change).
    fn hash_views(&self, key: &ViewsKey) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        // New custody entries (an export, a change of encryption) are unsaved changes too.
        key.log_entries.hash(&mut hasher);
        key.memory_only.hash(&mut hasher);
        for (id, visible, _) in &key.views {
            if let Some(view) = self.views.get(id) {
                visible.hash(&mut hasher);
                serde_json::to_string(view.style())
                    .unwrap_or_default()
                    .hash(&mut hasher);
            }
        }
        hasher.finish()
    }

    /// How many times the views fingerprint was made, serialising every style (tests: a frame
    /// with nothing changed makes none).
    pub fn fingerprints_made(&self) -> u64 {
        self.project.fingerprints_made.get()
    }

    /// Whether the data, a style or a layer's visibility changed since the project was last
    /// saved or opened (or since start-up).
    pub fn has_unsaved_changes(&self) -> bool {
        self.doc.revision() != self.project.saved_revision
            || self.views_fingerprint() != self.project.saved_views
    }

    /// What is shown now counts as saved.
    pub(crate) fn mark_saved(&mut self) {
        self.project.saved_revision = self.doc.revision();
        self.project.saved_views = self.views_fingerprint();
    }

    /// Autosave into `dir` (made if needed) every minute while there are unsaved changes. If
    /// the last run left autosaved work behind (it crashed, or closed with unsaved changes),
    /// offer to recover it.
    pub fn enable_autosave(&mut self, dir: PathBuf) {
        let autosave = dir.join(AUTOSAVE_FILE);
        if dir.join(RUNNING_FILE).exists() && autosave.exists() {
            self.project.recovery = Some(autosave);
        }
        self.project.autosave = Some(Autosave {
            dir,
            last: Instant::now(),
            saved: None,
            writer: autosave::Writer::default(),
        });
    }

    /// The layers, their styles and the settings, as a project.
    fn project_parts(&self) -> (Vec<SaveLayer<'_>>, Settings) {
        let layers = self
            .doc
            .layers()
            .map(|(id, layer)| SaveLayer {
                layer,
                visible: self.views.get(&id).is_none_or(|v| v.visible),
                style: self.views.get(&id).map(|v| v.style()),
                embed: self.project.embedded.contains(&id),
            })
            .collect();
        let settings = Settings {
            view: Some(self.map.view()),
            basemap: serde_json::to_value(&self.map.basemap.settings).ok(),
            time_window: self.timeline.window(),
            pictures: self.doc.pictures().to_vec(),
        };
        (layers, settings)
    }

    /// Save the project at `path`. On failure the changes stay unsaved and the reason is shown.
    pub fn save_project(&mut self, path: &Path) {
        let (layers, settings) = self.project_parts();
        let result = project::save(path, &layers, &settings, &self.project.evidence);
        match result {
            Ok(()) => {
                self.project.path = Some(path.to_owned());
                self.mark_saved();
                // Nothing unsaved is left: the autosave would only offer a needless recovery.
                self.clear_autosave();
                self.status = format!("Saved the project to {}.", path.display());
            }
            Err(err) => {
                self.status =
                    "The project was not saved; your changes are kept (and autosaved).".into();
                self.problems.push(ProblemReport {
                    title: format!("Could not save the project to {}", path.display()),
                    lines: crate::ui::error_chain::error_chain(&err),
                });
            }
        }
    }

    /// Open a project in place of what is shown; asks first when there are unsaved changes.
    /// The project and its layers are read on a thread, so the window keeps drawing.
    pub fn open_project(&mut self, path: &Path, discard_changes: bool) {
        if !discard_changes && self.has_unsaved_changes() {
            self.project.confirm_open = Some(path.to_owned());
            return;
        }
        self.start_opening(path, false, None);
    }

    /// Read the project at `path` on a thread (trying `passphrase` first if it is sealed).
    pub(super) fn start_opening(
        &mut self,
        path: &Path,
        recovered: bool,
        passphrase: Option<age::secrecy::SecretString>,
    ) {
        let (send, result) = channel();
        let reading = path.to_owned();
        let spawned = std::thread::Builder::new()
            .name("read-project".into())
            .spawn(move || {
                let read = project::load_with(&reading, passphrase).map(|opened| {
                    let prepared = opened
                        .layers
                        .iter()
                        .map(|l| Prepared::all(&l.layer))
                        .collect();
                    (opened, prepared)
                });
                let _ = send.send(read);
            });
        if let Err(e) = spawned {
            log::error!("cannot start a thread to read {}: {e}", path.display());
        }
        self.status = format!("Opening the project {}…", path.display());
        self.project.opening = Some(Opening {
            path: path.to_owned(),
            recovered,
            result,
        });
    }

    /// Take the project being read once it is ready (every frame); `wait` blocks until it is
    /// (tests, `--bench-frames`).
    pub fn poll_project(&mut self, wait: bool) {
        let Some(opening) = &self.project.opening else {
            return;
        };
        let result = if wait {
            opening
                .result
                .recv()
                .map_err(|_| TryRecvError::Disconnected)
        } else {
            opening.result.try_recv()
        };
        let result = match result {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => {
                self.project.opening = None;
                return;
            }
        };
        let Some(Opening {
            path, recovered, ..
        }) = self.project.opening.take()
        else {
            return;
        };
        match result {
            Ok((opened, prepared)) => {
                self.replace_with(opened, prepared);
                if recovered {
                    // Recovered work is saved nowhere but in the autosave yet; it still
                    // belongs to its project, so Save writes it back there.
                    let of = path.with_file_name(AUTOSAVE_OF_FILE);
                    self.project.path = std::fs::read_to_string(of)
                        .ok()
                        .map(|p| PathBuf::from(p.trim_end_matches('\n')))
                        .filter(|p| !p.as_os_str().is_empty());
                    self.project.saved_revision = u64::MAX;
                    self.status = match &self.project.path {
                        Some(project) => format!(
                            "Recovered the autosaved work of {}: Save writes it there.",
                            project.display()
                        ),
                        None => "Recovered the autosaved work: save it as a project.".into(),
                    };
                } else {
                    self.project.path = Some(path.clone());
                    self.status = format!("Opened the project {}.", path.display());
                }
            }
            Err(err) if self.ask_for_key(&path, recovered, &err) => {}
            Err(err) => {
                self.status = format!("Could not open {}.", path.display());
                self.problems.push(ProblemReport {
                    title: format!("Could not open the project {}", path.display()),
                    lines: crate::ui::error_chain::error_chain(&err),
                });
            }
        }
    }

    /// Whether a project is being read.
    pub fn is_opening_project(&self) -> bool {
        self.project.opening.is_some()
    }

    /// Show a project's layers and settings instead of the current ones.
    fn replace_with(&mut self, opened: project::Project, prepared: Vec<Prepared>) {
        let old: Vec<LayerId> = self.doc.layers().map(|(id, _)| id).collect();
        for id in old {
            self.doc.remove_layer(id);
            self.views.remove(&id);
            self.map.forget_layer(id);
            self.team.forget(id);
        }
        while self.doc.remove_picture(0).is_some() {}
        self.selection = None;
        self.hover = None;
        self.editing = Default::default();
        self.project.embedded.clear();
        for (layer, prepared) in opened.layers.into_iter().zip(prepared) {
            let id = self.add_prepared(layer.layer, prepared);
            if let Some(view) = self.views.get_mut(&id) {
                view.visible = layer.visible;
                if let Some(style) = layer.style {
                    view.set_style(style);
                }
            }
            if layer.embedded {
                self.project.embedded.insert(id);
            }
        }
        self.project.evidence = opened.evidence;
        // A file that fails its hash (or matches again after failing) is logged; saved with
        // the project's next save.
        let user = self.user();
        self.project
            .evidence
            .log
            .record_checks(&opened.checks, &user);
        self.map
            .basemap
            .set_memory_only(self.project.evidence.tiles_memory_only);
        self.project.temp_copies.clear();
        self.project.failed_hashes = opened
            .checks
            .iter()
            .filter(|c| !c.ok())
            .map(|c| c.attachment.sha256.clone())
            .collect();
        for check in opened.checks.iter().filter(|c| !c.ok()) {
            if let Some(problem) = check.problem() {
                self.problems.push(ProblemReport {
                    title: "An attached file failed its hash check".into(),
                    lines: vec![problem],
                });
            }
        }
        if let Some(broken) = &opened.custody_broken {
            self.problems.push(ProblemReport {
                title: "The custody log was altered".into(),
                lines: vec![broken.to_string()],
            });
        }
        for problem in &opened.picture_problems {
            self.problems.push(ProblemReport {
                title: "A pinned picture's image is missing or damaged".into(),
                lines: vec![problem.clone()],
            });
        }
        let settings = opened.settings;
        for picture in settings.pictures {
            let index = self.doc.pictures().len();
            self.doc.insert_picture(index, picture);
        }
        if let Some(view) = settings.view {
            self.map.set_view(view);
        }
        self.timeline.set_window(settings.time_window);
        self.restore_basemap(settings.basemap);
        for problem in opened.problems {
            self.problems.push(ProblemReport {
                title: "A layer of the project could not be opened".into(),
                lines: vec![problem],
            });
        }
        self.mark_saved();
    }

    /// The project's basemap settings, without switching on an online basemap or comparison
    /// (opening a file never contacts a tile server; the problems window says what was not
    /// switched on).
    fn restore_basemap(&mut self, basemap: Option<serde_json::Value>) {
        if let Some(basemap) =
            basemap.and_then(|b| serde_json::from_value::<BasemapSettings>(b).ok())
        {
            let online = basemap.source.is_online();
            let label = basemap.source.label();
            let keep_source = self.map.basemap.settings.source.clone();
            self.map.basemap.settings = basemap.clone();
            if basemap.compare.on && basemap.compare.source.is_online() {
                // Nor a comparison's second basemap.
                self.map.basemap.settings.compare.on = false;
                self.problems.push(ProblemReport {
                    title: "The project compares with an online basemap".into(),
                    lines: vec![format!(
                        "It was saved comparing with {}. raidmap did not switch the comparison \
                         on, so nothing was fetched: press C to use it.",
                        basemap.compare.source.label()
                    )],
                });
            }
            if online {
                // Opening a file must not contact a tile server: the user chooses that.
                self.map.basemap.choose(keep_source);
                self.problems.push(ProblemReport {
                    title: "The project's basemap is online".into(),
                    lines: vec![format!(
                        "It was saved with {label}. raidmap did not switch it on, so nothing was \
                         fetched: choose it under Basemap to use it."
                    )],
                });
            } else {
                self.map.basemap.choose(basemap.source);
            }
        }
    }

    /// Apply a project command (from [`RaidmapApp::apply`]).
    pub fn project_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::AskOpenProject => self.dialogs.open_project(ctx),
            Command::AskSaveProject => {
                let name = suggested_name(self.project.path.as_deref());
                self.dialogs.save_project(ctx, name);
            }
            Command::SaveProject => match self.project.path.clone() {
                Some(path) => self.save_project(&path),
                None => {
                    let name = suggested_name(None);
                    self.dialogs.save_project(ctx, name);
                }
            },
            Command::OpenProject(path) => self.open_project(&path, false),
            Command::OpenProjectDiscarding(path) => self.open_project(&path, true),
            Command::RecoverAutosave(path) => self.start_opening(&path, true, None),
            Command::SaveProjectAs(path) => self.save_project(&path),
            _ => {}
        }
    }

    /// No dialog could be shown: ask for a typed path.
    /// Save suggests the project's file (or a new name in the working folder); Open suggests
    /// only a file that exists (the project's), else the folder, whose files the field lists.
    pub fn ask_project_path(&mut self, save: bool) {
        let dir = std::env::current_dir().unwrap_or_default();
        let text = match self.project.path.clone() {
            Some(path) if save || path.is_file() => path.display().to_string(),
            _ if save => dir.join(suggested_name(None)).display().to_string(),
            _ => format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR),
        };
        self.project.prompt = Some((save, text));
    }

    /// Autosave when a minute has passed with unsaved changes (sealed and written on the
    /// autosave thread); wake up in time for the next, and take the outcomes of earlier ones.
    pub fn autosave_tick(&mut self, ctx: &egui::Context) {
        let Some(autosave) = &mut self.project.autosave else {
            return;
        };
        let outcomes = autosave.writer.poll();
        if autosave.writer.is_busy() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.autosaved(outcomes);
        let Some(autosave) = &self.project.autosave else {
            return;
        };
        let now_shown = (self.doc.revision(), self.views_fingerprint());
        if !self.has_unsaved_changes()
            || autosave.saved == Some(now_shown)
            || autosave.writer.is_busy()
        {
            return;
        }
        let due = autosave.last + AUTOSAVE_EVERY;
        let now = Instant::now();
        if now < due {
            ctx.request_repaint_after(due - now);
            return;
        }
        self.autosave_in_background();
    }

    /// Hand the autosave (and the mark that raidmap is running with unsaved work) to the
    /// autosave thread, which seals and writes it; returns at once.
    pub fn autosave_in_background(&mut self) {
        let Some(autosave) = &mut self.project.autosave else {
            return;
        };
        // A failure is tried again a minute later, not every frame.
        autosave.last = Instant::now();
        let dir = autosave.dir.clone();
        let (layers, settings) = self.project_parts();
        let plain = project::to_plain_bytes(
            &dir.join(AUTOSAVE_FILE),
            &layers,
            &settings,
            &self.project.evidence,
        );
        let stamp = (self.doc.revision(), self.views_fingerprint());
        let sent = plain
            .map_err(|e| crate::ui::error_chain::error_chain(&e).join(": "))
            .and_then(|plain| {
                let save = autosave::Save {
                    dir,
                    of: self.project.path.clone(),
                    plain,
                    seal: self.project.evidence.seal.clone(),
                    stamp,
                };
                match &mut self.project.autosave {
                    Some(autosave) => autosave.writer.send(save),
                    None => Ok(()),
                }
            });
        if let Err(err) = sent {
            self.autosaved(vec![Some(Err(err))]);
        }
    }

    /// Write the autosave now, waiting until it is on disk (at exit; tests).
    pub fn autosave_now(&mut self) {
        self.autosave_in_background();
        self.flush_autosave();
    }

    /// Wait until every autosave handed to the thread is written.
    fn flush_autosave(&mut self) {
        let outcomes = match &mut self.project.autosave {
            Some(autosave) => autosave.writer.flush(),
            None => return,
        };
        self.autosaved(outcomes);
    }

    /// Take the outcomes of autosaves: the state last written, or the failure in the status.
    fn autosaved(&mut self, outcomes: Vec<autosave::Outcome>) {
        for outcome in outcomes.into_iter().flatten() {
            match outcome {
                Ok(stamp) => {
                    if let Some(autosave) = &mut self.project.autosave {
                        autosave.saved = Some(stamp);
                    }
                }
                Err(err) => {
                    log::warn!("autosave failed: {err}");
                    self.status = format!("Autosave failed: {err}");
                }
            }
        }
    }

    /// At exit: with unsaved changes, autosave them and leave the mark, so the next start
    /// offers to recover them; else clear both. Either way nothing is left being written.
    pub fn on_exit(&mut self) {
        if self.has_unsaved_changes() {
            self.autosave_now();
        } else {
            self.clear_autosave();
        }
    }

    /// Remove the autosave and the running mark (nothing unsaved is left), unless the last
    /// run's autosave is still offered for recovery. Autosaves on their way are written
    /// first, so none comes back after.
    fn clear_autosave(&mut self) {
        if self.project.recovery.is_some() {
            return;
        }
        self.flush_autosave();
        let Some(autosave) = &mut self.project.autosave else {
            return;
        };
        for file in [RUNNING_FILE, AUTOSAVE_FILE, AUTOSAVE_OF_FILE] {
            let _ = std::fs::remove_file(autosave.dir.join(file));
        }
        autosave.saved = None;
    }

    /// Remove the autosave file alone (it may hold the project as it was before a change of
    /// encryption), after the autosaves on their way are written.
    pub(super) fn remove_autosave_file(&mut self) {
        self.flush_autosave();
        if let Some(path) = self.project.autosave_path()
            && let Err(err) = autosave::remove(&path)
        {
            self.status = err;
        }
    }

    /// The project buttons (top bar).
    pub fn project_bar_ui(&mut self, ui: &mut egui::Ui) {
        if ui.button("Open project…").clicked() {
            self.push(Command::AskOpenProject);
        }
        if ui
            .button("Save")
            .on_hover_text("Save the project (Ctrl+S)")
            .clicked()
        {
            self.push(Command::SaveProject);
        }
        if ui.button("Save as…").clicked() {
            self.push(Command::AskSaveProject);
        }
        self.evidence_bar_ui(ui);
        ui.separator();
        let name = self
            .project
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(
                || "Unsaved project".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        ui.label(RichText::new(name).strong());
        if self.has_unsaved_changes() {
            ui.label(RichText::new("(unsaved changes)").weak());
        }
        // Stays open while its fields are clicked and typed in.
        let close = egui::PopupCloseBehavior::CloseOnClickOutside;
        let (settings, _) = egui::containers::menu::MenuButton::new("…")
            .config(egui::containers::menu::MenuConfig::new().close_behavior(close))
            .ui(ui, |ui| {
                ui.checkbox(
                    &mut self.session.reopen_last_project,
                    "Reopen the last project at start",
                );
                self.evidence_settings_ui(ui);
            });
        settings.on_hover_text("Project settings");
        let save = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S);
        if ui.ctx().input_mut(|i| i.consume_shortcut(&save)) {
            self.push(Command::SaveProject);
        }
    }

    /// The project windows: typed path, discard-changes question, recovery offer.
    pub fn project_windows_ui(&mut self, ctx: &egui::Context) {
        self.evidence_windows_ui(ctx);
        if let Some((save, path)) = &mut self.project.prompt {
            let save = *save;
            let mut close = crate::ui::popup::esc(ctx);
            let mut chosen = None;
            egui::Window::new(if save { "Save project" } else { "Open project" })
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label("No file dialog is available. Type the project file's path:");
                    let enter = crate::ui::path_field::path_field(
                        ui,
                        "project-path",
                        path,
                        ("Project file", "the project file's path"),
                        420.0,
                    )
                    .submitted;
                    ui.horizontal(|ui| {
                        let label = if save { "Save" } else { "Open" };
                        if ui.button(label).clicked() || enter {
                            let path = PathBuf::from(path.trim());
                            chosen = Some(if save {
                                Command::SaveProjectAs(path)
                            } else {
                                Command::OpenProject(path)
                            });
                            close = true;
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                });
            if close {
                self.project.prompt = None;
            }
            if let Some(command) = chosen {
                self.push(command);
            }
        }
        if self.project.confirm_open.is_some() && crate::ui::popup::esc(ctx) {
            self.project.confirm_open = None;
        }
        if let Some(path) = self.project.confirm_open.clone() {
            egui::Window::new("Unsaved changes")
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label(format!(
                        "Opening {} replaces what is shown. Your changes since the last save \
                         would be lost.",
                        path.display()
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Discard changes and open").clicked() {
                            self.project.confirm_open = None;
                            self.push(Command::OpenProjectDiscarding(path.clone()));
                        }
                        if ui.button("Cancel").clicked() {
                            self.project.confirm_open = None;
                        }
                    });
                });
        }
        if let Some(path) = self.project.recovery.clone() {
            let when = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .map(|d| match d.as_secs() / 60 {
                    0 => "less than a minute ago".to_owned(),
                    1 => "1 minute ago".to_owned(),
                    n if n < 120 => format!("{n} minutes ago"),
                    n => format!("{} hours ago", n / 60),
                })
                .unwrap_or_else(|| "earlier".into());
            egui::Window::new("Recover unsaved work?")
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label(format!(
                        "raidmap did not close cleanly last time, or closed with changes that \
                         were not saved in a project. The work was autosaved {when}."
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Recover").clicked() {
                            self.project.recovery = None;
                            self.push(Command::RecoverAutosave(path.clone()));
                        }
                        if ui.button("Discard").clicked() {
                            self.project.recovery = None;
                            let _ = std::fs::remove_file(&path);
                        }
                    });
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ui::app::RaidmapApp;

    #[test]
    fn the_change_check_serialises_the_styles_only_after_a_change() {
        let mut app = RaidmapApp::with_files(Vec::new());
        app.mark_saved();
        let made = app.fingerprints_made();
        for _ in 0..3 {
            assert!(!app.has_unsaved_changes());
        }
        assert_eq!(app.fingerprints_made(), made, "frames with nothing changed");
        let id = app.doc.layers().next().map(|(id, _)| id).expect("sample");
        let view = app.views.get_mut(&id).expect("view");
        view.style_mut().point_radius += 1.0;
        assert!(app.has_unsaved_changes(), "a style change");
        assert!(app.has_unsaved_changes());
        assert_eq!(
            app.fingerprints_made(),
            made + 1,
            "made once for the change"
        );
        // Changed back: what is shown is what was saved.
        let view = app.views.get_mut(&id).expect("view");
        view.style_mut().point_radius -= 1.0;
        assert!(!app.has_unsaved_changes(), "the saved style again");
        let view = app.views.get_mut(&id).expect("view");
        view.visible = !view.visible;
        assert!(app.has_unsaved_changes(), "a layer hidden");
        assert_eq!(app.fingerprints_made(), made + 3);
    }
}

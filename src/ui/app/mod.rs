//! The application: panels around the map, the command queue, and what happens to the document.

mod autosave;
pub(crate) mod database;
mod encrypt;
mod evidence;
pub(crate) mod file_dialog;
pub(crate) mod layout;
pub(crate) mod loading;
mod photos;
mod plaintext;
pub(crate) mod project;
pub(crate) mod publish;
pub mod session;
mod unlock;

use std::collections::HashMap;
use std::path::PathBuf;

use egui::RichText;
use geo::Point;

use crate::edit::Edit;
use crate::io;
use crate::model::{Document, Feature, FeatureRef, Layer, LayerId};
use crate::render::layer_view::{LayerView, Prepared};
use crate::render::overlay::MapDrawing;
use crate::render::overlay::Overlay;
use crate::timeline::Filter;
use crate::ui::app::file_dialog::{Answer, FileDialogs};
use crate::ui::app::layout::{FOLDED_WIDTH, Layout};
use crate::ui::app::loading::{Finished, Loading};
use crate::ui::app::project::ProjectFiles;
use crate::ui::command::Command;
use crate::ui::command::{Area, ImageRequest};
use crate::ui::error_chain::error_chain;
use crate::ui::map::MapView;
use crate::ui::map::editing::Editing;
use crate::ui::measure::MeasurePanel;
use crate::ui::merge::TeamWork;
use crate::ui::panels::coverage::CoveragePanel;
use crate::ui::panels::help::help_ui;
use crate::ui::panels::image_export::{ExportAction, ImageExport};
use crate::ui::panels::inspector::inspector_ui;
use crate::ui::panels::layers::{LayersPanel, ProblemReport};
use crate::ui::panels::property_editor::PropertyEditor;
use crate::ui::panels::search_box::SearchBox;
use crate::ui::timeline::TimelinePanel;

pub(crate) use plaintext::{Then, is_sealed_name, with_age};

/// The tabs of the right-hand panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The inspector of the selected feature.
    Feature,
    /// The measure tool.
    Measure,
    /// Which sites a raid came near in the window.
    Coverage,
}

/// The whole GUI state. `doc` is the document; everything else is how it is shown.
pub struct RaidmapApp {
    pub doc: Document,
    pub views: HashMap<LayerId, LayerView>,
    pub map: MapView,
    pub selection: Option<FeatureRef>,
    pub hover: Option<FeatureRef>,
    pub measure: MeasurePanel,
    /// Which tab the right-hand panel shows.
    pub tab: Tab,
    /// The timeline (bottom): the window of days the map shows.
    pub timeline: TimelinePanel,
    /// The Coverage tab.
    pub coverage: CoveragePanel,
    /// Whether the map draws the legend.
    pub show_legend: bool,
    /// Whether the dark theme was on in the last frame (saved for the next run).
    dark_theme: bool,
    /// The search box in the toolbar.
    pub search: SearchBox,
    /// Whether the keyboard shortcuts are shown.
    pub help_open: bool,
    /// The "Export image…" window.
    pub image_export: ImageExport,
    /// The publishing dialogs (animation, report, web map) and their running job.
    pub publish: crate::ui::app::publish::Publishing,
    /// The timeline state the layer views were last filtered for.
    filtered_generation: Option<u64>,
    pub problems: Vec<ProblemReport>,
    /// Undo history, map editing tools, multiple selection.
    pub editing: Editing,
    /// The project's file, unsaved changes, autosave and recovery.
    pub project: ProjectFiles,
    /// *Open photos…*: photos being read into a point layer.
    pub photos: photos::PhotoImport,
    property_editor: PropertyEditor,
    layers_panel: LayersPanel,
    pub(crate) dialogs: FileDialogs,
    cursor: Option<Point<f64>>,
    /// A typed export path, asked for when no native dialog is available.
    export_prompt: Option<ExportPrompt>,
    /// The question before the encrypted project's data is written in plaintext.
    plaintext: Option<plaintext::Warning>,
    /// The last thing that happened, for the status bar.
    pub(crate) status: String,
    commands: Vec<Command>,
    opened: usize,
    /// Files being read in the background.
    pub loading: Loading,
    /// Which panels are open, and how wide they may be.
    pub layout: Layout,
    /// Database layers: open, save, refresh, conflicts (`ui::app::database`).
    pub database: crate::ui::app::database::Database,
    /// *Compare with…* and *Merge a colleague's copy…*.
    pub team: TeamWork,
    /// What is remembered for the next run (last project, folded panels).
    pub session: session::Session,
    /// *Pin a picture…*: the pinning window and the pictures' textures.
    pub pictures: crate::ui::imagery::pinned::PinEditor,
}

impl RaidmapApp {
    /// An app with no layers.
    pub fn empty() -> Self {
        let mut app = Self {
            doc: Document::new(),
            views: HashMap::new(),
            map: MapView::new(),
            selection: None,
            hover: None,
            measure: MeasurePanel::default(),
            tab: Tab::Feature,
            timeline: TimelinePanel::default(),
            coverage: CoveragePanel::default(),
            show_legend: true,
            dark_theme: false,
            search: SearchBox::default(),
            help_open: false,
            image_export: ImageExport::default(),
            publish: Default::default(),
            filtered_generation: None,
            problems: Vec::new(),
            editing: Editing::default(),
            project: ProjectFiles::default(),
            photos: Default::default(),
            property_editor: PropertyEditor::default(),
            layers_panel: LayersPanel::default(),
            dialogs: FileDialogs::default(),
            cursor: None,
            export_prompt: None,
            plaintext: None,
            status: String::new(),
            commands: Vec::new(),
            opened: 0,
            loading: Loading::default(),
            layout: Layout::default(),
            database: Default::default(),
            team: TeamWork::default(),
            session: session::Session::default(),
            pictures: Default::default(),
        };
        app.mark_saved();
        app
    }

    /// An app showing the given files, or the bundled sample data when there are none.
    pub fn with_files(files: Vec<PathBuf>) -> Self {
        let mut app = Self::empty();
        if files.is_empty() {
            match crate::sample::layers() {
                Ok(layers) => {
                    for layer in layers {
                        app.add_layer(layer);
                    }
                    app.status = "Showing the bundled sample data (approximate positions).".into();
                }
                Err(err) => app.problems.push(ProblemReport {
                    title: "The bundled sample data could not be read".into(),
                    lines: vec![err.to_string()],
                }),
            }
        } else {
            for path in files {
                // A project on the command line (`raidmap data/sample.raidmap`).
                if crate::project::is_project_file(&path) {
                    app.open_project(&path, true);
                } else {
                    app.loading.start(path, true);
                }
            }
        }
        // What was opened at start is what "unsaved changes" are counted from.
        app.mark_saved();
        app
    }

    /// The app a start without files on the command line shows: the last project, the
    /// bundled sample on the very first run, else an empty map; the folded panels as they
    /// were.
    pub fn from_session(files: Vec<PathBuf>, session: session::Session) -> Self {
        let mut app = if !files.is_empty() {
            Self::with_files(files)
        } else {
            match session.start() {
                session::Start::Sample => Self::with_files(Vec::new()),
                session::Start::Project(path) => Self::with_files(vec![path]),
                session::Start::Nothing => {
                    let mut app = Self::empty();
                    app.status = "Open files (Ctrl+O) or a project to begin.".into();
                    app
                }
            }
        };
        if let Some(layout) = &session.layout {
            app.layout = layout.clone();
        }
        if let Some(open) = session.timeline_open {
            app.timeline.open = open;
        }
        if let Some(file) = &session.identity_file
            && let Err(err) = crate::evidence::keys::add_identity_file(file)
        {
            app.problems.push(ProblemReport {
                title: "The identity file in the project settings could not be read".into(),
                lines: vec![format!("{}: {err}", file.display())],
            });
        }
        app.session = session;
        app
    }

    /// The user name written into the custody log and attachments: the setting, else
    /// `RAIDMAP_USER` or the login name.
    pub fn user(&self) -> String {
        match self.session.user_name.trim() {
            "" => crate::evidence::default_user(),
            name => name.to_owned(),
        }
    }

    /// The session to remember: this run happened, its project and its panels.
    pub fn session_to_keep(&self) -> session::Session {
        let mut kept = self.session.clone();
        kept.has_run = true;
        if let Some(path) = &self.project.path {
            kept.last_project = Some(path.clone());
        }
        kept.layout = Some(self.layout.clone());
        kept.timeline_open = Some(self.timeline.open);
        kept
    }

    /// Add a layer and its view.
    pub fn add_layer(&mut self, layer: Layer) -> LayerId {
        let prepared = Prepared::of(&layer);
        self.add_prepared(layer, prepared)
    }

    /// Add a layer whose index was built already (by the thread that read it).
    pub(crate) fn add_prepared(&mut self, layer: Layer, mut prepared: Prepared) -> LayerId {
        let dates = prepared.dates.take();
        let mut view = LayerView::prepared(&layer, self.opened, prepared);
        view.work_in_background();
        self.opened += 1;
        let base = crate::merge::Base::of(&layer);
        let id = self.doc.add_layer(layer);
        self.team.keep_base(id, base);
        view.mark_indexed(self.doc.geometry_revision(id));
        if let Some(dates) = dates {
            self.timeline
                .add_read(id, self.doc.layer_revision(id), dates);
        }
        self.views.insert(id, view);
        id
    }

    /// Apply an edit through the undo history and show what happened.
    pub(crate) fn edit(&mut self, edit: Edit, description: String) {
        match self
            .editing
            .history
            .apply(&mut self.doc, edit, description.clone())
        {
            Ok(()) => self.status = format!("{description}."),
            Err(err) => self.status = format!("{description}: not done, {err}."),
        }
        self.after_edit();
    }

    /// Undo or redo the last step.
    fn step(&mut self, undo: bool) {
        let attachments_before = self.attachments_step_touches(undo);
        let picture_event = self.picture_step_event(undo);
        let history = &mut self.editing.history;
        let result = if undo {
            history.undo(&mut self.doc)
        } else {
            history.redo(&mut self.doc)
        };
        let verb = if undo { "Undid" } else { "Redid" };
        let done = matches!(result, Some(Ok(_)));
        self.status = match result {
            None if undo => "Nothing to undo.".into(),
            None => "Nothing to redo.".into(),
            Some(Ok(what)) => format!("{verb}: {what}."),
            Some(Err(err)) => format!("Could not {}: {err}.", verb.to_lowercase()),
        };
        let how = if undo { "undo" } else { "redo" };
        if let Some((target, before)) = attachments_before {
            self.log_attachment_changes(target, &before, how);
        }
        if let Some((event, sha256, name)) = picture_event.filter(|_| done) {
            let user = self.user();
            let detail = format!("{name} (pinned picture, {how})");
            self.project
                .evidence
                .log
                .record(&user, event, &sha256, &detail);
        }
        self.after_edit();
    }

    /// The step an undo (or a redo) would apply next.
    fn next_step(&self, undo: bool) -> Option<&crate::edit::Entry> {
        let history = &self.editing.history;
        if undo {
            history.done().last()
        } else {
            history.undone().last()
        }
    }

    /// When the step about to be undone (or redone) changes one feature: that feature and its
    /// attachments now, so the custody log can record the attachments the step changes.
    fn attachments_step_touches(
        &self,
        undo: bool,
    ) -> Option<(FeatureRef, Vec<crate::evidence::attachment::Attachment>)> {
        let entry = self.next_step(undo)?;
        // A step on one feature (attaching and removing are; their reverse may replace the
        // whole feature): its attachments are read before and after, one feature's worth.
        let reverse = entry.reverse();
        if !matches!(
            reverse,
            Edit::SetMember { .. } | Edit::ReplaceFeature { .. }
        ) {
            // Inserting or deleting moves other features to the index; other edits leave
            // attachments alone.
            return None;
        }
        let [target] = reverse.targets()[..] else {
            return None;
        };
        let feature = self.doc.feature(target)?;
        Some((target, crate::evidence::attachment::of(feature)))
    }

    /// When the step about to be undone (or redone) adds or removes a pinned picture: the
    /// custody event it makes, with the picture's SHA-256 and name.
    fn picture_step_event(
        &self,
        undo: bool,
    ) -> Option<(crate::evidence::custody::Event, String, String)> {
        use crate::evidence::custody::Event;
        let entry = self.next_step(undo)?;
        match entry.reverse() {
            Edit::InsertPicture { picture, .. } => Some((
                Event::Attached,
                picture.sha256.clone(),
                picture.name.clone(),
            )),
            Edit::RemovePicture { index } => {
                let picture = self.doc.pictures().get(*index)?;
                Some((Event::Removed, picture.sha256.clone(), picture.name.clone()))
            }
            _ => None,
        }
    }

    /// Record in the custody log each attachment an undo or redo brought back or took away
    /// (the log is append-only: an undone removal is a new "attached" line, not a deleted one).
    fn log_attachment_changes(
        &mut self,
        target: FeatureRef,
        before: &[crate::evidence::attachment::Attachment],
        how: &str,
    ) {
        use crate::evidence::custody::Event;
        let Some(feature) = self.doc.feature(target) else {
            return;
        };
        let label = feature.label(target.index);
        let after = crate::evidence::attachment::of(feature);
        let user = self.user();
        let log = &mut self.project.evidence.log;
        for a in after
            .iter()
            .filter(|a| !before.iter().any(|b| b.sha256 == a.sha256))
        {
            log.record(
                &user,
                Event::Attached,
                &a.sha256,
                &format!("{} to {label} ({how})", a.name),
            );
        }
        for b in before
            .iter()
            .filter(|b| !after.iter().any(|a| a.sha256 == b.sha256))
        {
            log.record(
                &user,
                Event::Removed,
                &b.sha256,
                &format!("{} from {label} ({how})", b.name),
            );
        }
    }

    /// Keep the selection pointing at features that exist.
    fn after_edit(&mut self) {
        if self
            .selection
            .is_some_and(|r| self.doc.feature(r).is_none())
        {
            self.selection = None;
        }
        self.editing.after_edit(&self.doc);
    }

    /// Rebuild what is cached per layer (spatial index, density, triangulations) for layers
    /// whose geometries changed (not for a property edit).
    fn sync_views(&mut self) {
        for (id, layer) in self.doc.layers() {
            let revision = self.doc.geometry_revision(id);
            if let Some(view) = self.views.get_mut(&id)
                && view.refresh(layer, revision)
            {
                self.map.forget_layer(id);
            }
        }
    }

    /// Start reading files as layers, in the background; they are added when read.
    fn open(&mut self, paths: Vec<PathBuf>) {
        for path in paths {
            // A project given with the files (`raidmap data/sample.raidmap`, a dropped file).
            if crate::project::is_project_file(&path) {
                self.open_project(&path, false);
                continue;
            }
            self.loading.start(path, false);
        }
    }

    /// Wait until every file being read is read, and add its layers (tests, `--bench-frames`).
    pub fn finish_loading(&mut self) {
        self.poll_project(true);
        self.poll_photos(true);
        for finished in self.loading.wait() {
            self.loaded(finished);
        }
        self.pictures.images.wait();
        if let Some((path, read)) = self.pictures.images.take_added() {
            self.pin_picture(&path, read);
        }
    }

    /// Add the layers of a file that was read; a file that failed is reported and changes
    /// nothing else.
    fn loaded(&mut self, finished: Finished) {
        let Finished {
            path,
            result,
            at_start,
            ..
        } = finished;
        // Files given at start are what "unsaved changes" are counted from.
        let baseline = at_start && !self.has_unsaved_changes();
        match result {
            Err(io::ReadError::Cancelled { .. }) => {
                self.status = format!("Opening {} was cancelled.", path.display());
            }
            Ok(layers) => {
                let count = layers.len();
                let mut features = 0;
                let mut measurements = 0;
                for (mut layer, prepared) in layers {
                    features += layer.features.len();
                    // A file of kept measurements (exported earlier) comes back as one.
                    if crate::measure::is_measurement_layer(&layer) {
                        layer.kind = crate::model::LayerKind::Measurements;
                        measurements += layer.features.len();
                    }
                    self.add_prepared(layer, prepared);
                }
                let file = loading::display_name(&path);
                let all_measurements = measurements == features && features > 0;
                let features = crate::measure::group_thousands(features as f64);
                self.status = if all_measurements {
                    format!("Opened {file}: {features} kept measurements.")
                } else if count > 1 {
                    format!("Opened {file}: {features} features in {count} layers (its folders).")
                } else {
                    format!("Opened {file}: {features} features.")
                };
            }
            Err(err) => {
                self.status = format!("Could not open {}.", path.display());
                self.problems.push(report_of(&path, &err));
            }
        }
        if baseline {
            self.mark_saved();
        }
    }

    /// Queue a command; it is applied at the end of the frame.
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Apply every queued command, in order. The only place the document changes.
    pub fn apply(&mut self, ctx: &egui::Context) {
        if self.commands.is_empty() {
            return;
        }
        // What the commands change is shown in the next frame: ask for it.
        ctx.request_repaint();
        for command in std::mem::take(&mut self.commands) {
            // An encrypted project's data is written in plaintext only once the user agreed.
            let Some(command) = self.check_plaintext(command) else {
                continue;
            };
            match command {
                // `check_plaintext` hands over the command agreed to.
                Command::Plaintext(agreed) => self.commands.push(*agreed),
                Command::PublishTo(path) => self.publish_waiting_at(ctx, path),
                Command::AskOpen => self.dialogs.open(ctx),
                Command::AskExport(id) => {
                    if let Some(layer) = self.doc.layer(id) {
                        let name = suggested_export_name(layer);
                        self.dialogs.export(ctx, id, name);
                    }
                }
                Command::Open(paths) => self.open(paths),
                Command::AskOpenPhotos { folder } => self.dialogs.photos(ctx, folder),
                Command::OpenPhotos(paths) => self.open_photos(paths),
                Command::SetStyle(id, style) => {
                    if let Some(view) = self.views.get_mut(&id) {
                        view.set_style(style);
                    }
                }
                Command::SetVisible(id, visible) => {
                    if let Some(view) = self.views.get_mut(&id) {
                        view.visible = visible;
                    }
                }
                Command::Remove(id) => self.close_layer(id),
                Command::Select(selection) => {
                    self.selection = selection;
                    if selection.is_some() {
                        self.tab = Tab::Feature;
                        self.layout.set_details_open(true);
                    }
                }
                Command::KeepMeasurement(feature) => self.keep_measurement(feature),
                Command::Edit(edit, description) => self.edit_and_select(edit, description),
                Command::Undo => self.step(true),
                Command::Redo => self.step(false),
                command @ (Command::AskOpenProject
                | Command::AskSaveProject
                | Command::SaveProject
                | Command::OpenProject(_)
                | Command::OpenProjectDiscarding(_)
                | Command::RecoverAutosave(_)
                | Command::SaveProjectAs(_)) => self.project_command(ctx, command),
                Command::Export(id, path) => self.export(id, &path),
                Command::ZoomTo(area) => self.map.zoom_to(area),
                Command::Reveal(area) => self.map.reveal(area),
                Command::SetTimeWindow(window) => self.set_time_window(window),
                Command::SetTimeField(id, field) => self.timeline.set_field(&self.doc, id, field),
                Command::AskExportCoverage => {
                    let name = self.coverage_file_name();
                    self.dialogs.export_coverage(ctx, name);
                }
                Command::ExportCoverage(path) => self.export_coverage(&path),
                Command::ExportImage(request) => self.export_image(&request),
                Command::AskAttach(target) => self.dialogs.attach(ctx, target),
                Command::Attach(target, paths) => self.attach_files(target, &paths),
                Command::RemoveAttachment(target, sha) => self.remove_attachment(target, &sha),
                Command::OpenAttachment(sha, name) => self.open_attachment(&sha, &name),
                Command::OpenPublish(dialog) => self.open_publish(dialog),
                Command::AskSaveAttachment(sha, name) => {
                    self.dialogs.save_attachment(ctx, sha, name);
                }
                Command::SaveAttachment(sha, path) => self.save_attachment(&sha, &path),
                Command::CompareWith(id) => self.team.open_compare(&self.doc, id),
                Command::MergeInto(id) => self.team.open_merge(&self.doc, id),
                Command::AskPinPicture => self.dialogs.pin_picture(ctx),
                Command::PinPicture(path) => {
                    self.status = format!("Reading {}…", path.display());
                    self.pictures.problem = None;
                    if let Err(err) = self.pictures.images.start_adding(ctx, path.clone()) {
                        self.pin_picture(&path, Err(err));
                    }
                }
                Command::RemovePicture(index) => self.remove_picture(index),
            }
        }
    }

    /// Close layer `id`: its view, tiles, merge base and selection go with it.
    fn close_layer(&mut self, id: LayerId) {
        if let Some(layer) = self.doc.remove_layer(id) {
            self.status = format!("Closed {}.", layer.name);
        }
        self.views.remove(&id);
        self.map.forget_layer(id);
        self.team.forget(id);
        if self.selection.is_some_and(|r| r.layer == id) {
            self.selection = None;
        }
    }

    /// Keep a measurement as a feature of the Measurements layer (made when first needed).
    fn keep_measurement(&mut self, feature: Feature) {
        let label = feature.name().unwrap_or("measurement").to_owned();
        let (id, layer) = self.doc.measurements_mut();
        let index = layer.features.len();
        self.views.entry(id).or_insert_with(|| {
            let mut view = LayerView::new(layer, 0);
            view.work_in_background();
            view
        });
        let edit = Edit::InsertFeature {
            layer: id,
            index,
            feature,
        };
        self.edit(edit, format!("Keep {label}"));
        // Not selected: a kept ring would be drawn as hundreds of vertex handles over the
        // labels.
        self.status = format!("Kept {label} in the Measurements layer.");
    }

    /// Apply an edit; a feature it inserts is selected and shown.
    fn edit_and_select(&mut self, edit: Edit, description: String) {
        let select = match &edit {
            Edit::InsertFeature { layer, index, .. } => Some(FeatureRef {
                layer: *layer,
                index: *index,
            }),
            _ => None,
        };
        self.edit(edit, description);
        if select.is_some_and(|r| self.doc.feature(r).is_some()) {
            self.selection = select;
            self.tab = Tab::Feature;
        }
    }

    /// Show only the features dated within `window`, and say so.
    fn set_time_window(&mut self, window: crate::timeline::Window) {
        self.timeline.set_window(window);
        self.status = if window.is_unbounded() {
            "Showing all dates.".into()
        } else {
            format!("Showing {window} (UTC days, inclusive).")
        };
    }

    /// The file name offered for the coverage export, after the sites layer.
    fn coverage_file_name(&self) -> String {
        self.coverage
            .sites_layer()
            .and_then(|id| self.doc.layer(id))
            .map(|l| coverage_export_name(&l.name))
            .unwrap_or_else(|| "sites-coverage.geojson".into())
    }

    /// Add the picture read and decoded from `path` as a picture pinned onto the map (one
    /// undoable step; its bytes kept in the project's evidence store, the custody log
    /// recording it) and open the pinning window on it.
    fn pin_picture(
        &mut self,
        path: &std::path::Path,
        read: crate::ui::imagery::picture_images::Added,
    ) {
        let (bytes, image) = match read {
            Ok(read) => read,
            Err(err) => {
                let problem = format!("{} was not added: {err}.", path.display());
                self.status = problem.clone();
                self.pictures.problem = Some(problem);
                self.pictures.open = true;
                return;
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "picture".into());
        let sha256 = self.project.evidence.store.add(bytes);
        let size = [image.width(), image.height()];
        self.pictures.images.keep(&sha256, image);
        let picture = crate::model::Picture::new(name.clone(), sha256.clone(), size);
        let index = self.doc.pictures().len();
        self.edit(
            Edit::InsertPicture { index, picture },
            format!("Pin the picture {name}"),
        );
        self.project.evidence.log.record(
            &crate::evidence::default_user(),
            crate::evidence::custody::Event::Attached,
            &sha256,
            &format!("{name} pinned onto the map"),
        );
        self.pictures.show_picture(index);
        self.pictures.path.clear();
        self.status = format!(
            "Added {name}: click a point on it, then the same place on the map (three pins or \
             more place it)."
        );
    }

    /// Remove the pinned picture at `index` (one undoable step); the custody log records it,
    /// as it does an attachment removed.
    fn remove_picture(&mut self, index: usize) {
        let Some(picture) = self.doc.pictures().get(index).cloned() else {
            return;
        };
        self.edit(
            Edit::RemovePicture { index },
            format!("Remove the picture {}", picture.name),
        );
        self.project.evidence.log.record(
            &crate::evidence::default_user(),
            crate::evidence::custody::Event::Removed,
            &picture.sha256,
            &format!("{} (pinned picture)", picture.name),
        );
        self.status = format!(
            "Removed the picture {} (Undo brings it back).",
            picture.name
        );
    }

    fn export(&mut self, id: LayerId, path: &std::path::Path) {
        let Some(layer) = self.doc.layer(id) else {
            return;
        };
        match self.write_layers(&[layer], path) {
            Ok(()) => {
                self.status = format!(
                    "Exported {} ({} features) to {}.",
                    layer.name,
                    layer.features.len(),
                    path.display()
                );
            }
            Err(err) => {
                self.status = format!("Export of {} failed; nothing was overwritten.", layer.name);
                self.problems.push(ProblemReport {
                    title: format!("Could not export {}", layer.name),
                    lines: err.chain().map(ToString::to_string).collect(),
                });
            }
        }
    }

    /// Write `layers` at `path` as `raidmap export` does (attachments as its `attachments`
    /// list), atomically; sealed with the project's passphrase or keys when the name ends in
    /// `.age` (`sites.geojson.age`).
    fn write_layers(&self, layers: &[&Layer], path: &std::path::Path) -> anyhow::Result<()> {
        crate::evidence::export::write_file(layers, path, self.seal_for(path)?)
    }

    /// Write the Coverage tab's classified sites as GeoJSON, atomically.
    fn export_coverage(&mut self, path: &std::path::Path) {
        let (Some(result), Some(id)) = (self.coverage.result(), self.coverage.sites_layer()) else {
            self.status = "Nothing to export: choose a site and a raid layer first.".into();
            return;
        };
        let Some(sites) = self.doc.layer(id) else {
            return;
        };
        let annotated = crate::coverage::annotate(sites, result);
        let untouched = result.count(crate::coverage::Status::Untouched);
        match self.write_layers(&[&annotated], path) {
            Ok(()) => {
                self.status = format!(
                    "Exported {} classified sites ({untouched} untouched) to {}.",
                    annotated.features.len(),
                    path.display()
                );
            }
            Err(err) => {
                self.status =
                    "Export of the classified sites failed; nothing was overwritten.".into();
                self.problems.push(ProblemReport {
                    title: "Could not export the classified sites".into(),
                    lines: err.chain().map(ToString::to_string).collect(),
                });
            }
        }
    }

    /// Write the map as a PNG, drawn as `raidmap render` draws it.
    fn export_image(&mut self, request: &ImageRequest) {
        use crate::render::image::{self, Compare, ImageSpec};
        use crate::ui::imagery::compare::CompareMode;
        // Selected features only: the views show just them while the image is drawn.
        let kept = request.selected_only.then(|| self.show_only_selected());
        let layers = || image::layers_area(&self.doc, &self.views);
        let area = match request.area {
            Area::View => self.map.view_area().unwrap_or_else(layers),
            Area::Layers => layers(),
            Area::Box => request.bbox.unwrap_or_else(layers),
        };
        let mut spec = ImageSpec::new(request.width_px, request.height_px, area);
        spec.fill = if request.area == Area::Layers {
            0.85
        } else {
            1.0
        };
        spec.title = Some(request.title.clone()).filter(|t| !t.is_empty());
        spec.caption =
            image::caption::filter_lines(&self.doc, &self.views, &self.timeline.window());
        if request.selected_only {
            let n = self.editing.selected(self.selection).len();
            spec.caption.push(format!(
                "Only the {n} selected feature{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        spec.units = self.measure.units;
        spec.pixels_per_point = request.scale;
        let (pinned, _) =
            crate::render::pinned::pinned_images(self.doc.pictures(), &self.project.evidence.store);
        spec.pinned = pinned;
        // The basemaps as the window shows them: the chosen one (tiles only when the user chose
        // a tile source) and, when comparing, the second by a swipe or a blend.
        let settings = self.map.basemap.settings.clone();
        let mut warnings = Vec::new();
        let mut open = |source: &crate::tiles::Source| {
            let (tiles, warning) = crate::ui::app::publish::scene::open_tiles(source);
            warnings.extend(warning);
            tiles
        };
        let tiles = open(&settings.source);
        if settings.compare.on {
            spec.compare = Some(Compare {
                tiles: open(&settings.compare.source),
                swipe: settings.compare.swipe,
                blend: (settings.compare.mode == CompareMode::Blend)
                    .then_some(settings.compare.blend),
                names: [settings.source.label(), settings.compare.source.label()],
            });
        } else if matches!(settings.source, crate::tiles::Source::Wayback(_)) {
            spec.basemap_name = Some(settings.source.label());
        }
        let drawn = image::render_map(&self.doc, &self.views, &spec, tiles.as_ref());
        if let Some(kept) = kept {
            self.restore_views(kept);
        }
        let written = drawn
            .map_err(anyhow::Error::from)
            .and_then(|image| Ok(image::encode_png(&image)?))
            .and_then(|png| self.write_out(&request.path, &png));
        match written {
            Ok(()) => {
                warnings.insert(
                    0,
                    format!(
                        "Exported a {}×{} pixel image to {}.",
                        request.width_px,
                        request.height_px,
                        request.path.display()
                    ),
                );
                self.status = warnings.join(" ");
            }
            Err(err) => {
                self.status = "The image export failed; nothing was overwritten.".into();
                self.problems.push(ProblemReport {
                    title: format!("Could not export the image to {}", request.path.display()),
                    lines: err.chain().map(ToString::to_string).collect(),
                });
            }
        }
    }

    /// Let the map's views show only the selected features (layers without one hidden) and
    /// return what they showed before, for [`RaidmapApp::restore_views`].
    fn show_only_selected(&mut self) -> Vec<(LayerId, bool, Option<Filter>)> {
        let selected = self.editing.selected(self.selection);
        let masks = crate::publish::inputs::selection_masks(&self.doc, &selected);
        let mut kept = Vec::new();
        for (id, view) in &mut self.views {
            kept.push((*id, view.visible, view.time_filter.as_deref().cloned()));
            match masks.get(id) {
                Some(mask) => {
                    let shown = mask
                        .iter()
                        .enumerate()
                        .map(|(i, selected)| *selected && view.shows(i))
                        .collect();
                    view.set_time_filter(Some(Filter::Flags(shown)));
                }
                None => view.visible = false,
            }
        }
        kept
    }

    fn restore_views(&mut self, kept: Vec<(LayerId, bool, Option<Filter>)>) {
        for (id, visible, filter) in kept {
            if let Some(view) = self.views.get_mut(&id) {
                view.visible = visible;
                view.set_time_filter(filter);
            }
        }
    }

    /// Keyboard shortcuts that work anywhere (the map's own keys are in `ui::map::controls`).
    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, Modifiers};
        let (help, export, legend, theme) = ctx.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::F1),
                i.consume_key(Modifiers::COMMAND, Key::E),
                i.consume_key(Modifiers::COMMAND, Key::L),
                i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::D),
            )
        });
        if help {
            self.help_open = !self.help_open;
        }
        if export {
            self.open_image_export();
        }
        if legend {
            self.show_legend = !self.show_legend;
        }
        if theme {
            let dark = ctx.theme() == egui::Theme::Dark;
            ctx.set_theme(if dark {
                egui::Theme::Light
            } else {
                egui::Theme::Dark
            });
        }
    }

    fn open_image_export(&mut self) {
        if self.image_export.title.is_empty()
            && let Some(title) = crate::render::image::default_title(&self.doc, &self.views)
        {
            self.image_export.title = title;
        }
        self.image_export.open = true;
    }

    /// The toolbar: search, legend, theme, image export and help.
    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        self.search.ui(ui, &self.doc, &mut self.commands);
        ui.separator();
        ui.checkbox(&mut self.show_legend, "Legend")
            .on_hover_text("Draw the legend on the map (Ctrl+L)");
        ui.separator();
        let mut theme = ui.ctx().theme();
        ui.label("Theme");
        ui.selectable_value(&mut theme, egui::Theme::Light, "Light");
        ui.selectable_value(&mut theme, egui::Theme::Dark, "Dark");
        if theme != ui.ctx().theme() {
            ui.ctx().set_theme(theme);
        }
        ui.separator();
        if ui
            .button("Export image…")
            .on_hover_text("Save the map as a PNG image (Ctrl+E)")
            .clicked()
        {
            self.open_image_export();
        }
        let pin = ui
            .button("Pin a picture…")
            .on_hover_text("Add a picture (PNG or JPEG) and pin it onto the map");
        if pin.clicked() {
            self.pictures.open = !self.pictures.open;
        }
        crate::ui::app::publish::Publishing::menu_ui(ui, &mut self.commands);
        if ui
            .button("Help")
            .on_hover_text("Keyboard shortcuts (F1)")
            .clicked()
        {
            self.help_open = !self.help_open;
        }
    }

    /// Read the dates of new layers and hide what the timeline's window leaves out.
    fn sync_timeline(&mut self) {
        self.timeline.sync(&self.doc);
        // Keep the coverage answer (and its rings on the map) in step with the window, also
        // while another tab is shown. It is recomputed only when an input changed.
        if self.coverage.result().is_some() {
            self.coverage.refresh(&self.doc, &self.timeline);
        }
        if self.filtered_generation == Some(self.timeline.generation()) {
            return;
        }
        for (id, view) in &mut self.views {
            view.set_time_filter(self.timeline.shown(*id));
        }
        self.filtered_generation = Some(self.timeline.generation());
    }

    /// Draw the whole window content and handle input. Called every frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        for finished in self.loading.poll() {
            self.loaded(finished);
        }
        self.poll_project(false);
        self.poll_photos(false);
        if let Some((path, read)) = self.pictures.images.take_added() {
            self.pin_picture(&path, read);
        }
        if self.is_opening_project() {
            // Keep polling while the project's files are read.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        self.loading.ui(ui.ctx());
        self.photos_ui(ui.ctx());
        if let Some(answer) = self.dialogs.poll() {
            self.answered(answer);
        }
        self.dropped_files(ui.ctx());
        self.sync_views();
        self.sync_timeline();
        if self.timeline.is_reading() {
            // A big layer's dates are read again on another thread: look again soon.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(30));
        }
        self.shortcuts(ui.ctx());
        self.editing
            .keys(ui.ctx(), &self.doc, self.selection, &mut self.commands);
        let window = ui.ctx().content_rect().size();
        let panels_before = (self.timeline.open, self.layout.details_open());
        self.layout.follow_window(window, &mut self.timeline.open);
        egui::Panel::top("toolbar").show(ui, |ui| {
            // Wraps onto a second row rather than running off a narrow window.
            ui.horizontal_wrapped(|ui| {
                self.project_bar_ui(ui);
                ui.separator();
                self.database_bar_ui(ui);
                ui.separator();
                self.toolbar_ui(ui);
            });
        });
        egui::Panel::bottom("status-bar").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::bottom("timeline")
            .resizable(false)
            .show(ui, |ui| {
                self.timeline
                    .ui(ui, &self.doc, &self.views, &mut self.commands);
            });
        self.layers_panel_ui(ui, window.x);
        self.details_panel_ui(ui, window.x);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.map_ui(ui));
        if (self.timeline.open, self.layout.details_open()) != panels_before {
            // Panels are laid out by their size in the last pass: one that folded or opened
            // leaves a gap (black, outside every panel) until the next pass. Run it now
            // rather than when the pointer next moves.
            ui.ctx().request_discard("a panel folded or opened");
        }
        self.windows_ui(ui.ctx());
        self.publish_ui(ui.ctx());
        self.apply(ui.ctx());
        self.autosave_tick(ui.ctx());
    }

    /// What a file dialog answered.
    fn answered(&mut self, answer: Answer) {
        match answer {
            Answer::Open(paths) => self.push(Command::Open(paths)),
            Answer::Photos(paths) => self.push(Command::OpenPhotos(paths)),
            Answer::PhotosUnavailable => self.ask_photos_path(),
            Answer::Attach(target, paths) => self.push(Command::Attach(target, paths)),
            Answer::SaveAttachment(sha, path) => self.push(Command::SaveAttachment(sha, path)),
            Answer::Export(id, path) => self.push(Command::Export(id, path)),
            Answer::ExportCoverage(path) => self.push(Command::ExportCoverage(path)),
            Answer::OtherVersion(path) => self.team.picked_file(path),
            Answer::PinPicture(path) => {
                self.pictures.path = path.display().to_string();
                self.push(Command::PinPicture(path));
            }
            Answer::ImagePath(path) => {
                self.image_export.path = path.display().to_string();
            }
            Answer::PublishPath(dialog, path) => self.publish_path_chosen(dialog, &path),
            Answer::CoverageUnavailable => {
                self.tab = Tab::Coverage;
                let name = self.coverage_file_name();
                let dir = std::env::current_dir().unwrap_or_default();
                self.coverage.export_path = Some(dir.join(name).display().to_string());
            }
            Answer::OpenProject(path) => self.push(Command::OpenProject(path)),
            Answer::SaveProject(path) => self.push(Command::SaveProjectAs(path)),
            Answer::ProjectUnavailable { save } => self.ask_project_path(save),
            Answer::Unavailable { export: None } => self.problems.push(ProblemReport {
                title: "No file dialog is available on this system".into(),
                lines: vec![
                    "raidmap uses the XDG desktop portal or zenity to show one.".into(),
                    "Type the file's path in the box under Open… and press Enter, or drop the file on the window.".into(),
                ],
            }),
            Answer::Unavailable { export: Some(id) } => {
                if let Some(layer) = self.doc.layer(id) {
                    self.export_prompt = Some(ExportPrompt {
                        layer: id,
                        path: suggested_export_path(layer),
                    });
                }
            }
        }
    }

    /// Files and folders dropped on the window. Folders are read as photos (as *Open
    /// photos…* reads them). Files that are not map data, dropped while a feature is shown, are
    /// attached to it; else photos among them are read as photos, and the rest opened as
    /// layers.
    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        let (mut photos, files): (Vec<PathBuf>, Vec<PathBuf>) =
            dropped.into_iter().partition(|p| p.is_dir());
        let not_map_data = |p: &PathBuf| !matches!(io::detect(p), io::Detected::Readable(_));
        let attach_to = self
            .selection
            .filter(|_| self.tab == Tab::Feature && files.iter().any(not_map_data));
        let mut open = Vec::new();
        match attach_to {
            Some(target) => self.push(Command::Attach(target, files)),
            None => {
                for file in files {
                    if crate::evidence::photos::is_photo_name(&file) && not_map_data(&file) {
                        photos.push(file);
                    } else {
                        open.push(file);
                    }
                }
            }
        }
        if !photos.is_empty() {
            self.push(Command::OpenPhotos(photos));
        }
        if !open.is_empty() {
            self.push(Command::Open(open));
        }
    }

    /// The map (the central panel): its overlays, and what a click on it does.
    fn map_ui(&mut self, ui: &mut egui::Ui) {
        let units = self.measure.units;
        // A pin dragged on the map, else a vertex, keeps the map still.
        let pin_dragged = self.pictures.before_map(ui.ctx(), &self.map, &self.doc);
        self.map.panning = !pin_dragged
            && self
                .editing
                .before_map(ui.ctx(), &self.map, &self.doc, self.selection);
        let editing = self.editing.drawing(&self.doc, self.selection);
        let coverage = self.coverage.marks();
        self.map.pictures = self
            .pictures
            .draws(ui.ctx(), &self.doc, &self.project.evidence.store);
        let pins = self.pictures.marks(&self.doc);
        let mut drawings: Vec<&dyn MapDrawing> = vec![self.measure.drawing(), &editing];
        if let Some(pins) = &pins {
            drawings.push(pins);
        }
        if let Some(marks) = &coverage {
            drawings.push(marks);
        }
        if !self.database.marks.is_empty() {
            drawings.push(&self.database.marks);
        }
        drawings.extend(self.team.drawings());
        let overlay = Overlay {
            selection: self.selection,
            hover: self.hover,
            units,
            drawings,
            legend: self.show_legend,
        };
        let out = self.map.ui(ui, &self.doc, &self.views, &overlay);
        self.editing.after_map(
            ui.ctx(),
            &self.map,
            &self.doc,
            self.selection,
            &mut self.commands,
        );
        if let Some(command) = self.pictures.after_map(ui.ctx(), &self.doc) {
            self.commands.push(command);
        }
        self.hover = out.hovered;
        self.cursor = out.cursor;
        if let Some(click) = out.clicked {
            self.map_clicked(ui, click);
        }
    }

    /// A click on the map: a pin, a measurement, an edit, or a selection.
    fn map_clicked(&mut self, ui: &egui::Ui, click: crate::ui::map::Click) {
        // Ctrl (Cmd) held on the click: from the release event itself too, since
        // the modifiers state may lag behind it.
        let ctrl = ui.input(|i| {
            i.modifiers.command
                || i.events.iter().any(|e| {
                    matches!(e, egui::Event::PointerButton { pressed: false, modifiers, .. } if modifiers.command)
                })
        });
        let shift = ui.input(|i| {
            i.modifiers.shift
                || i.events.iter().any(|e| {
                    matches!(e, egui::Event::PointerButton { pressed: false, modifiers, .. } if modifiers.shift)
                })
        });
        if self.pictures.wants_map_click() {
            if let Some(command) = self.pictures.map_click(&self.doc, click.position) {
                self.commands.push(command);
            }
        } else if self.tab == Tab::Measure && self.measure.picking {
            self.measure.click(&self.doc, click.position, click.feature);
            // The map shows the new measurement in the next frame.
            ui.ctx().request_repaint();
        } else if !self.editing.click(
            &self.doc,
            click,
            ctrl,
            shift,
            self.selection,
            &mut self.commands,
        ) {
            self.commands.push(Command::Select(click.feature));
        }
    }

    /// The windows over the panels (export, pictures, history, project, database, help,
    /// merge, image export).
    fn windows_ui(&mut self, ctx: &egui::Context) {
        self.export_prompt_ui(ctx);
        self.pictures.ui(
            ctx,
            &self.doc,
            &self.project.evidence.store,
            &mut self.commands,
        );
        self.plaintext_ui(ctx);
        self.editing.history_ui(ctx);
        self.project_windows_ui(ctx);
        self.database_ui(ctx);
        help_ui(ctx, &mut self.help_open);
        if let crate::ui::merge::Request::Browse = self.team.ui(ctx, &self.doc, &mut self.commands)
        {
            self.dialogs.other_version(ctx);
        }
        let view_px = self.map.last_map_rect().map(|r| {
            let ppp = ctx.pixels_per_point();
            let size = [
                (r.width() * ppp).round() as u32,
                (r.height() * ppp).round() as u32,
            ];
            (size, ppp)
        });
        self.image_export.only.count = self.editing.selected(self.selection).len();
        match self.image_export.ui(ctx, view_px) {
            Some(ExportAction::ChoosePath) => {
                let name = std::path::Path::new(&self.image_export.path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "map.png".into());
                self.dialogs.image_path(ctx, name);
            }
            Some(ExportAction::Export(request)) => self.push(Command::ExportImage(request)),
            None => {}
        }
    }

    /// The layers panel (left), or the strip it folds to.
    fn layers_panel_ui(&mut self, ui: &mut egui::Ui, window_width: f32) {
        if !self.layout.layers_open {
            egui::Panel::left("layers-folded")
                .resizable(false)
                .exact_size(FOLDED_WIDTH)
                .show(ui, |ui| {
                    let open = ui.button("»").on_hover_text("Show the layers panel");
                    crate::ui::a11y::name(&open, "Show layers");
                    if open.clicked() {
                        self.layout.layers_open = true;
                    }
                });
            return;
        }
        let width = Layout::left(window_width);
        egui::Panel::left("layers")
            .resizable(true)
            .default_size(width.default)
            .size_range(width.range)
            .show(ui, |ui| {
                self.layers_panel.ui(
                    ui,
                    &self.doc,
                    &self.views,
                    self.selection,
                    &mut self.problems,
                    &mut self.layout.layers_open,
                    &mut self.commands,
                );
            });
    }

    /// The right-hand panel with its tabs, or the strip of tab buttons it folds to.
    fn details_panel_ui(&mut self, ui: &mut egui::Ui, window_width: f32) {
        const TABS: [(Tab, &str, &str); 3] = [
            (Tab::Feature, "Feature", "F"),
            (Tab::Measure, "Measure", "M"),
            (Tab::Coverage, "Coverage", "C"),
        ];
        if !self.layout.details_open() {
            egui::Panel::right("details-folded")
                .resizable(false)
                .exact_size(FOLDED_WIDTH)
                .show(ui, |ui| {
                    for (tab, label, icon) in TABS {
                        let open = ui
                            .button(icon)
                            .on_hover_text(format!("Show the {label} tab"));
                        crate::ui::a11y::name(&open, format!("Show {label}"));
                        if open.clicked() {
                            self.tab = tab;
                            self.layout.set_details_open(true);
                        }
                    }
                });
            return;
        }
        let width = Layout::right(window_width);
        egui::Panel::right("details")
            .resizable(true)
            .default_size(width.default)
            .size_range(width.range)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (tab, label, _) in TABS {
                        ui.selectable_value(&mut self.tab, tab, RichText::new(label).strong());
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let fold = ui.small_button("»").on_hover_text("Fold this panel");
                        crate::ui::a11y::name(&fold, "Fold the right panel");
                        if fold.clicked() {
                            self.layout.set_details_open(false);
                        }
                    });
                });
                ui.separator();
                // A tab wider than the panel scrolls sideways instead of widening the panel,
                // so the panel keeps its width from tab to tab.
                egui::ScrollArea::horizontal()
                    .id_salt("details-tab")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.details_tab_ui(ui));
            });
    }

    /// The right-hand panel's active tab.
    fn details_tab_ui(&mut self, ui: &mut egui::Ui) {
        match self.tab {
            Tab::Feature => {
                self.editing.toolbar_ui(ui, &self.doc, &mut self.commands);
                ui.separator();
                if std::mem::take(&mut self.editing.name_asked) {
                    self.property_editor.focus_name = true;
                }
                let selected = self.editing.selected(self.selection);
                if inspector_ui(
                    ui,
                    &self.doc,
                    &selected,
                    &mut self.property_editor,
                    (&self.project.evidence, &self.project.failed_hashes),
                    &mut self.commands,
                ) {
                    self.editing.also_selected.clear();
                    self.commands.push(Command::Select(None));
                }
            }
            Tab::Measure => self
                .measure
                .ui(ui, &self.doc, self.selection, &mut self.commands),
            Tab::Coverage => {
                self.coverage
                    .ui(ui, &self.doc, &self.timeline, &mut self.commands);
            }
        }
    }

    /// Where to export, typed, when no native dialog could be shown.
    fn export_prompt_ui(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.export_prompt else {
            return;
        };
        let mut close = crate::ui::popup::esc(ctx);
        let layer_name = self
            .doc
            .layer(prompt.layer)
            .map(|l| l.name.clone())
            .unwrap_or_default();
        egui::Window::new("Export layer")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(format!(
                    "No file dialog is available. Export {layer_name} as GeoJSON to:"
                ));
                let enter = crate::ui::path_field::path_field(
                    ui,
                    "export-path",
                    &mut prompt.path,
                    ("Export file", "the file to write"),
                    420.0,
                )
                .submitted;
                ui.horizontal(|ui| {
                    if ui.button("Export").clicked() || enter {
                        self.commands.push(Command::Export(
                            prompt.layer,
                            PathBuf::from(prompt.path.trim()),
                        ));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.export_prompt = None;
        }
    }

    fn status_bar_ui(&self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            match self.cursor {
                Some(p) => ui.label(
                    RichText::new(format!("lat {:.5}°, lon {:.5}°", p.y(), p.x())).monospace(),
                ),
                None => ui.label(RichText::new("lat –, lon –").monospace()),
            };
            ui.separator();
            ui.label(format!("zoom {:.1}", self.map.zoom()));
            ui.separator();
            ui.label(&self.status);
        });
    }
}

/// A report of every problem of a file that could not be read.
fn report_of(path: &std::path::Path, err: &io::ReadError) -> ProblemReport {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let lines = match err.problems() {
        [] => error_chain(err),
        // `file:line:column: message` where the problem has a place, else `file: message`.
        problems => problems
            .iter()
            .map(|p| match p.line {
                Some(_) => format!("{file}:{p}"),
                None => format!("{file}: {p}"),
            })
            .collect(),
    };
    ProblemReport {
        title: format!("Could not open {}", path.display()),
        lines,
    }
}

/// The layer to export and the path typed so far.
struct ExportPrompt {
    layer: LayerId,
    path: String,
}

/// Next to the layer's file (or in the current folder), with `-annotated` added to the name.
fn suggested_export_path(layer: &Layer) -> String {
    let name = suggested_export_name(layer);
    let dir = match layer.path.as_ref().and_then(|p| p.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => Some(dir.to_path_buf()),
        _ => std::env::current_dir().ok(),
    };
    match dir {
        Some(dir) => dir.join(name).display().to_string(),
        None => name,
    }
}

/// `sites-coverage.geojson` for a layer called `sites.geojson`.
fn coverage_export_name(layer_name: &str) -> String {
    let stem = layer_name
        .trim_end_matches(".geojson")
        .trim_end_matches(".json");
    format!("{stem}-coverage.geojson")
}

fn suggested_export_name(layer: &Layer) -> String {
    let stem = layer
        .name
        .trim_end_matches(".geojson")
        .trim_end_matches(".json");
    format!("{stem}-annotated.geojson")
}

impl eframe::App for RaidmapApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        RaidmapApp::ui(self, ui);
        // Remembered for the next run (`save`).
        self.dark_theme = ui.ctx().theme() == egui::Theme::Dark;
    }

    /// Remember the basemap choice (source, opacity, what is drawn above imagery, cache limit),
    /// the theme and the session (last project, folded panels) for the next run.
    fn on_exit(&mut self) {
        RaidmapApp::on_exit(self);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(
            storage,
            crate::ui::map::basemap_chooser::SETTINGS_KEY,
            &self.map.basemap.settings,
        );
        eframe::set_value(storage, crate::ui::DARK_THEME_KEY, &self.dark_theme);
        eframe::set_value(storage, session::SESSION_KEY, &self.session_to_keep());
    }
}

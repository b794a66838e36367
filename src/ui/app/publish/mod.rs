//! The window's publishing dialogs: *Export animation…*, *Export report…* and *Publish web
//! map…* (in the toolbar's Publish menu; the animation also in the timeline). Each is a form
//! with the options of `raidmap animate`, `report` and `publish`. The work runs on a background
//! thread ([`job`]) from a [`crate::publish::Scene`] of what the window shows
//! ([`scene::scene_of`]), through the same [`crate::publish`] code as the command line, so
//! what is published is what is on screen.

mod animation;
mod form;
mod job;
mod report;
pub(crate) mod scene;
mod webmap;

pub(crate) use animation::AnimationForm;
pub(crate) use form::OnlySelected;
pub(crate) use report::ReportForm;
pub(crate) use webmap::WebMapForm;

use crate::ui::app::RaidmapApp;
use crate::ui::command::{Command, Dialog};
use crate::ui::panels::layers::ProblemReport;

/// The three forms and the one publishing job that may be running.
#[derive(Default)]
pub struct Publishing {
    pub animation: AnimationForm,
    pub report: ReportForm,
    pub webmap: WebMapForm,
    job: Option<job::Job>,
    /// A task of an encrypted project, waiting for the user to agree to a plaintext file.
    waiting: Option<job::Task>,
}

impl Publishing {
    /// Whether something is being written.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// The toolbar's Publish menu.
    pub fn menu_ui(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.menu_button("Publish", |ui| {
            for (dialog, label, hint) in [
                (
                    Dialog::Animation,
                    "Export animation…",
                    "A GIF, WebP or MP4 of the map moving through the dates",
                ),
                (
                    Dialog::Report,
                    "Export report…",
                    "A PDF case report: files, method, map, sites, raids, sources",
                ),
                (
                    Dialog::WebMap,
                    "Publish web map…",
                    "One HTML file that works offline, from a USB stick or an e-mail",
                ),
            ] {
                if ui.button(label).on_hover_text(hint).clicked() {
                    commands.push(Command::OpenPublish(dialog));
                }
            }
        });
    }
}

impl Publishing {
    /// Whether the form that started `task` asked for the selected features only.
    fn only_selected(&self, task: &job::Task) -> bool {
        match task {
            job::Task::Animation { .. } => self.animation.only.wanted(),
            job::Task::Report { .. } => self.report.only.wanted(),
            job::Task::WebMap { .. } => self.webmap.only.wanted(),
        }
    }

    fn target(&mut self, dialog: Dialog) -> &mut form::Target {
        match dialog {
            Dialog::Animation => &mut self.animation.target,
            Dialog::Report => &mut self.report.target,
            Dialog::WebMap => &mut self.webmap.target,
        }
    }
}

/// The file types each dialog writes, for the native save dialog.
fn file_types(dialog: Dialog) -> (&'static str, &'static [&'static str]) {
    match dialog {
        Dialog::Animation => ("Animation (GIF, WebP, MP4)", &["gif", "webp", "mp4"]),
        Dialog::Report => ("PDF", &["pdf"]),
        Dialog::WebMap => ("Web page", &["html"]),
    }
}

impl RaidmapApp {
    /// Start the task waiting to be started (the user agreed to its plaintext file, or its file
    /// ends in `.age` and is sealed with the project's passphrase or keys).
    pub(crate) fn publish_waiting(&mut self, ctx: &egui::Context) {
        let Some(mut task) = self.publish.waiting.take() else {
            return;
        };
        let seal = match self.seal_for(task.out()) {
            Ok(seal) => seal.cloned(),
            Err(err) => {
                self.status = format!("Nothing was published: {err}.");
                return;
            }
        };
        task.frame(self.map.view_area());
        let only_selected = self.publish.only_selected(&task);
        let (scene, files, warning) = scene::scene_of(self, task.needs_tiles(), only_selected);
        if let Some(warning) = warning {
            self.status = warning;
        }
        self.publish.job = Some(job::Job::start(ctx, task, scene, files, seal));
    }

    /// Start the task waiting to be started, writing to `path` instead (its `.age` form, sealed).
    pub(crate) fn publish_waiting_at(&mut self, ctx: &egui::Context, path: std::path::PathBuf) {
        if let Some(task) = &mut self.publish.waiting {
            task.set_out(path);
        }
        self.publish_waiting(ctx);
    }

    /// Forget the waiting task (the user did not want its plaintext file).
    pub(crate) fn drop_waiting_publication(&mut self) {
        if self.publish.waiting.take().is_some() {
            self.status = "Nothing was published.".into();
        }
    }

    /// The file chosen in the native save dialog for a form.
    pub(crate) fn publish_path_chosen(&mut self, dialog: Dialog, path: &std::path::Path) {
        self.publish.target(dialog).set(path);
    }

    /// Open a dialog, its dates taken from the timeline's window.
    pub(crate) fn open_publish(&mut self, dialog: Dialog) {
        let window = self.timeline.window();
        let publishing = &mut self.publish;
        match dialog {
            Dialog::Animation => publishing.animation.open(window),
            Dialog::Report => publishing.report.open(window),
            Dialog::WebMap => publishing.webmap.open(),
        }
    }

    /// Start a task the user submitted: at once when its file is not plaintext (the project is
    /// not encrypted, or the name ends in `.age`), else after the plaintext warning.
    fn start_publication(&mut self, ctx: &egui::Context, task: job::Task) {
        let out = task.out().clone();
        // A name ending in .age asks for the encrypted file itself: no warning to give.
        if crate::ui::app::is_sealed_name(&out) {
            match task.sealable() {
                Ok(()) => {
                    self.publish.waiting = Some(task);
                    self.publish_waiting(ctx);
                }
                Err(why) => self.status = format!("Nothing was published: {why}"),
            }
            return;
        }
        let what = format!("{} would be written in plaintext", out.display());
        let sealed = task.sealable().map(|()| {
            let path = crate::ui::app::with_age(&out);
            (Command::PublishTo(path.clone()), path)
        });
        self.publish.waiting = Some(task);
        if self.plaintext_allowed(what, crate::ui::app::Then::Publish, sealed) {
            self.publish_waiting(ctx);
        }
    }

    /// Show the open dialogs and the running job; start what the user asks for, and report how
    /// it ended in the status bar (and the problems window when it failed).
    pub(crate) fn publish_ui(&mut self, ctx: &egui::Context) {
        let busy = self.publish.is_running();
        let selected = self.editing.selected(self.selection).len();
        let started = {
            let p = &mut self.publish;
            for only in [
                &mut p.animation.only,
                &mut p.report.only,
                &mut p.webmap.only,
            ] {
                only.count = selected;
            }
            let animation = form::dialog_ui(&mut p.animation, ctx, busy);
            let report = form::dialog_ui(&mut p.report, ctx, busy);
            let webmap = form::dialog_ui(&mut p.webmap, ctx, busy);
            animation.or(report).or(webmap)
        };
        for dialog in [Dialog::Animation, Dialog::Report, Dialog::WebMap] {
            let target = self.publish.target(dialog);
            if std::mem::take(&mut target.choose) {
                let name = target.file_name();
                let (kind, extensions) = file_types(dialog);
                self.dialogs
                    .publish_path(ctx, dialog, (kind, extensions), name);
            }
        }
        if let Some(task) = started {
            self.start_publication(ctx, task);
        }
        let Some(running) = &mut self.publish.job else {
            return;
        };
        match running.poll() {
            None => running.ui(ctx),
            Some(outcome) => {
                self.publish.job = None;
                match outcome {
                    job::Outcome::Done(message) | job::Outcome::Cancelled(message) => {
                        self.status = message;
                    }
                    job::Outcome::Failed { title, lines } => {
                        self.status = format!("{title}; nothing was overwritten.");
                        self.problems.push(ProblemReport { title, lines });
                    }
                }
            }
        }
    }
}

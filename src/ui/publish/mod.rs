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
pub mod scene;
mod webmap;

pub use animation::AnimationForm;
pub use form::OnlySelected;
pub use report::ReportForm;
pub use webmap::WebMapForm;

use crate::ui::app::RaidmapApp;
use crate::ui::command::Command;
use crate::ui::panels::layers::ProblemReport;

/// One of the publishing dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Animation,
    Report,
    WebMap,
}

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

/// Start the task waiting to be started (the user agreed to its plaintext file, or its file
/// ends in `.age` and is sealed with the project's passphrase or keys).
pub fn start_waiting(app: &mut RaidmapApp, ctx: &egui::Context) {
    let Some(mut task) = app.publish.waiting.take() else {
        return;
    };
    let seal = match app.seal_for(task.out()) {
        Ok(seal) => seal.cloned(),
        Err(err) => {
            app.status = format!("Nothing was published: {err}.");
            return;
        }
    };
    task.frame(app.map.view_area());
    let only_selected = app.publish.only_selected(&task);
    let (scene, files, warning) = scene::scene_of(app, task.needs_tiles(), only_selected);
    if let Some(warning) = warning {
        app.status = warning;
    }
    app.publish.job = Some(job::Job::start(ctx, task, scene, files, seal));
}

/// Start the task waiting to be started, writing to `path` instead (its `.age` form, sealed).
pub fn start_waiting_at(app: &mut RaidmapApp, ctx: &egui::Context, path: std::path::PathBuf) {
    if let Some(task) = &mut app.publish.waiting {
        task.set_out(path);
    }
    start_waiting(app, ctx);
}

/// Forget the waiting task (the user did not want its plaintext file).
pub fn drop_waiting(app: &mut RaidmapApp) {
    if app.publish.waiting.take().is_some() {
        app.status = "Nothing was published.".into();
    }
}

/// The file chosen in the native save dialog for a form.
pub fn chosen(app: &mut RaidmapApp, dialog: Dialog, path: &std::path::Path) {
    app.publish.target(dialog).set(path);
}

/// Open a dialog, its dates taken from the timeline's window.
pub fn open(app: &mut RaidmapApp, dialog: Dialog) {
    let window = app.timeline.window();
    let publishing = &mut app.publish;
    match dialog {
        Dialog::Animation => publishing.animation.open(window),
        Dialog::Report => publishing.report.open(window),
        Dialog::WebMap => publishing.webmap.open(),
    }
}

/// Show the open dialogs and the running job; start what the user asks for, and report how
/// it ended in the status bar (and the problems window when it failed).
pub fn ui(app: &mut RaidmapApp, ctx: &egui::Context) {
    let busy = app.publish.is_running();
    let selected = app.editing.selected(app.selection).len();
    let started = {
        let p = &mut app.publish;
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
        let target = app.publish.target(dialog);
        if std::mem::take(&mut target.choose) {
            let name = target.file_name();
            let (kind, extensions) = file_types(dialog);
            app.dialogs
                .publish_path(ctx, dialog, (kind, extensions), name);
        }
    }
    if let Some(task) = started {
        let out = task.out().clone();
        let what = format!("{} would be written in plaintext", out.display());
        let sealed = task.sealable().map(|()| {
            let path = crate::ui::app::with_age(&out);
            (Command::PublishTo(path.clone()), path)
        });
        app.publish.waiting = Some(task);
        if app.plaintext_allowed(what, crate::ui::app::Then::Publish, sealed) {
            start_waiting(app, ctx);
        }
    }
    let Some(running) = &mut app.publish.job else {
        return;
    };
    match running.poll() {
        None => running.ui(ctx),
        Some(outcome) => {
            app.publish.job = None;
            match outcome {
                job::Outcome::Done(message) | job::Outcome::Cancelled(message) => {
                    app.status = message;
                }
                job::Outcome::Failed { title, lines } => {
                    app.status = format!("{title}; nothing was overwritten.");
                    app.problems.push(ProblemReport { title, lines });
                }
            }
        }
    }
}

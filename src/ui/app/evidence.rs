//! Evidence in the window: attaching files (dialog or drop), removing one (an undoable
//! edit), opening one from a private temporary copy, each recorded in the custody log; and
//! the project bar's evidence buttons and windows (encryption, custody log, passphrase), and
//! the evidence settings (user name, remembered identity file).

use std::path::PathBuf;

use crate::evidence::{Attachment, Event, attachment};
use crate::model::FeatureRef;
use crate::ui::app::RaidmapApp;

impl RaidmapApp {
    /// The project bar's evidence buttons: *Encrypt…* and *Custody log*.
    pub(super) fn evidence_bar_ui(&mut self, ui: &mut egui::Ui) {
        self.encrypt_button_ui(ui);
        let count = self.project.evidence.log.entries().len();
        if ui
            .button("Custody log")
            .on_hover_text(format!(
                "What happened to the project's evidence ({count} entries)"
            ))
            .clicked()
        {
            self.project.custody_open = !self.project.custody_open;
        }
    }

    /// The evidence settings in the project bar's "…" menu: the user name written into the
    /// custody log and attachments, and the identity file remembered for projects sealed to
    /// keys.
    pub(super) fn evidence_settings_ui(&mut self, ui: &mut egui::Ui) {
        ui.separator();
        ui.label("Your name in the custody log");
        let field = ui.add(
            egui::TextEdit::singleline(&mut self.session.user_name)
                .hint_text(crate::evidence::default_user())
                .desired_width(220.0),
        );
        crate::ui::a11y::name(&field, "Your name in the custody log");
        match &self.session.identity_file {
            Some(file) => {
                ui.label(format!(
                    "Identity file for projects sealed to keys: {}",
                    file.display()
                ));
                if ui
                    .button("Forget the identity file")
                    .on_hover_text("Not read at the next start (the file itself is kept)")
                    .clicked()
                {
                    self.session.identity_file = None;
                }
            }
            None => {
                ui.label(
                    egui::RichText::new(
                        "No identity file: the one you give to open a project sealed to keys \
                         is remembered here and read at every start.",
                    )
                    .weak(),
                );
            }
        }
    }

    /// The evidence windows: passphrase prompt, encryption, custody log (every frame).
    pub(super) fn evidence_windows_ui(&mut self, ctx: &egui::Context) {
        // The basemap chooser's tile privacy switch is the project's (saved with it).
        self.project.evidence.tiles_memory_only = self.map.basemap.memory_only();
        self.unlock_ui(ctx);
        self.encrypt_window_ui(ctx);
        crate::ui::panels::custody_log::custody_log_ui(
            ctx,
            &mut self.project.custody_open,
            &self.project.evidence.log,
        );
    }

    /// Attach files to a feature, as one undoable step; each goes into the custody log.
    pub fn attach_files(&mut self, target: FeatureRef, paths: &[PathBuf]) {
        let Some(feature) = self.doc.feature(target) else {
            return;
        };
        let label = feature.label(target.index);
        let user = self.user();
        let mut added = Vec::new();
        for path in paths {
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    self.status = format!("Could not read {}: {e}", path.display());
                    continue;
                }
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let record = Attachment::describe(&name, &bytes, &user);
            self.project.evidence.store.add(bytes);
            added.push(record);
        }
        if added.is_empty() {
            return;
        }
        let edit = attachment::attach(target, feature, added.clone());
        let what = match added.as_slice() {
            [one] => one.name.clone(),
            many => format!("{} files", many.len()),
        };
        self.edit(edit, format!("Attach {what} to {label}"));
        for a in &added {
            self.project.evidence.log.record(
                &user,
                Event::Attached,
                &a.sha256,
                &format!("{} to {label}", a.name),
            );
        }
        self.status = format!("Attached {what} to {label}.");
    }

    /// Remove one attachment from a feature (undoable); the custody log records it.
    pub fn remove_attachment(&mut self, target: FeatureRef, sha256: &str) {
        let Some(feature) = self.doc.feature(target) else {
            return;
        };
        let label = feature.label(target.index);
        let Some(a) = attachment::of(feature)
            .into_iter()
            .find(|a| a.sha256 == sha256)
        else {
            return;
        };
        let edit = attachment::remove(target, feature, sha256);
        self.edit(edit, format!("Remove {} from {label}", a.name));
        self.project.evidence.log.record(
            &self.user(),
            Event::Removed,
            sha256,
            &format!("{} from {label}", a.name),
        );
        self.status = format!("Removed {} from {label} (Undo brings it back).", a.name);
    }

    /// Open an attached file in the system viewer from a private temporary copy (deleted when
    /// the project closes or raidmap exits).
    pub fn open_attachment(&mut self, sha256: &str, name: &str) {
        let Some(bytes) = self.project.evidence.store.get(sha256).cloned() else {
            self.status = format!("{name} is not in the project.");
            return;
        };
        match self.project.temp_copies.write(name, &bytes) {
            Ok(path) => {
                if let Err(e) = show_in_viewer(&path) {
                    self.status = format!("Could not open {name} in a viewer: {e}");
                } else {
                    self.status = format!("Opened a temporary copy of {name}.");
                }
            }
            Err(e) => self.status = format!("Could not make a temporary copy of {name}: {e}"),
        }
    }
}

impl RaidmapApp {
    /// Write the exact bytes of an attachment to `path` (atomically); the custody log records
    /// the export.
    pub fn save_attachment(&mut self, sha256: &str, path: &std::path::Path) {
        let Some(bytes) = self.project.evidence.store.get(sha256).cloned() else {
            self.status = "That file is not in the project.".into();
            return;
        };
        match self.write_out(path, &bytes) {
            Ok(()) => {
                self.project.evidence.log.record(
                    &self.user(),
                    Event::Exported,
                    sha256,
                    &format!("saved as {}", path.display()),
                );
                self.status = format!("Saved a copy to {}.", path.display());
            }
            Err(err) => {
                self.status = format!(
                    "Could not save {}; nothing was overwritten.",
                    path.display()
                );
                self.problems
                    .push(crate::ui::panels::layers::ProblemReport {
                        title: format!("Could not save the attachment to {}", path.display()),
                        lines: err.chain().map(ToString::to_string).collect(),
                    });
            }
        }
    }
}

/// Hand a file to the desktop's viewer for its type.
fn show_in_viewer(path: &std::path::Path) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let mut child = command.arg(path).spawn()?;
    // Reaped on a thread so no zombie is left behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}

//! Writing out of an encrypted project: every write of its data to a file that would not be
//! encrypted (a layer export, the classified sites, a map image, a copy of an attachment, a
//! published animation, report or web map) and every save to a database table (which the
//! server holds in plaintext) first says so. Where the file can be sealed, the same write to
//! the name with `.age` added (`sites.geojson.age`) is offered instead, encrypted with the
//! project's passphrase or keys, so `age -d` opens it as it opens the project. Where there is
//! no encrypted form (a Shapefile's several files, an MP4 that ffmpeg writes to disk itself, a
//! database table), the window says why.

use std::path::{Path, PathBuf};

use egui::RichText;

use crate::ui::app::RaidmapApp;
use crate::ui::command::Command;

/// What the user is asked about: a write in plaintext, what follows a yes, and the encrypted
/// alternative.
pub(crate) struct Warning {
    /// What would be written where, in words.
    what: String,
    then: Then,
    /// The same write sealed, to this `….age` file, or why there is no such form (said in the
    /// window).
    sealed: Sealed,
}

/// The encrypted form of a write (the command and its `….age` file), or why there is none.
pub(crate) type Sealed = Result<(Command, PathBuf), String>;

/// What a yes to writing in plaintext does.
pub(crate) enum Then {
    /// Run the command (a file written by `apply`).
    Command(Command),
    /// Start the publishing task waiting in `Publishing`.
    Publish,
    /// Save to the database tables.
    Database,
}

/// Whether a file name ends in `.age` (written sealed).
pub(crate) fn is_sealed_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("age"))
}

/// `path` with `.age` added to its name.
pub(crate) fn with_age(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".age");
    PathBuf::from(name)
}

impl RaidmapApp {
    /// `command`, unless it writes the encrypted project's data to a plaintext file: then the
    /// warning is shown instead and `None` returned. [`Command::Plaintext`] (the user agreed)
    /// passes as the command it holds.
    pub(super) fn check_plaintext(&mut self, command: Command) -> Option<Command> {
        if let Command::Plaintext(agreed) = command {
            return Some(*agreed);
        }
        if self.project.evidence.seal.is_none() {
            return Some(command);
        }
        let (what, path) = match &command {
            Command::Export(id, path) => {
                let name = self.doc.layer(*id).map(|l| l.name.clone());
                (format!("The layer {}", name.unwrap_or_default()), path)
            }
            Command::ExportCoverage(path) => ("The classified sites".to_owned(), path),
            Command::ExportImage(request) => ("The map image".to_owned(), &request.path),
            Command::SaveAttachment(_, path) => ("The attached file".to_owned(), path),
            _ => return Some(command),
        };
        if is_sealed_name(path) {
            return Some(command);
        }
        let what = format!("{what} would be written to {} in plaintext", path.display());
        let sealed_path = with_age(path);
        let shapefile = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
        let sealed = match &command {
            // Several files: each would need sealing, and nothing reads them sealed.
            Command::Export(..) if shapefile => Err("A Shapefile is several files, which \
                 nothing reads encrypted: export a GeoPackage (.gpkg) or GeoJSON to get an \
                 encrypted file."
                .to_owned()),
            Command::Export(id, _) => Ok(Command::Export(*id, sealed_path.clone())),
            Command::ExportCoverage(_) => Ok(Command::ExportCoverage(sealed_path.clone())),
            Command::ExportImage(request) => {
                Ok(Command::ExportImage(crate::ui::command::ImageRequest {
                    path: sealed_path.clone(),
                    ..request.clone()
                }))
            }
            Command::SaveAttachment(sha, _) => {
                Ok(Command::SaveAttachment(sha.clone(), sealed_path.clone()))
            }
            _ => return Some(command),
        }
        .map(|c| (c, sealed_path));
        self.plaintext = Some(Warning {
            what,
            then: Then::Command(command),
            sealed,
        });
        None
    }

    /// Whether a publishing task or a database save may go ahead now: for an encrypted
    /// project it may not, and the warning (saying `what`, offering `sealed` or saying why
    /// there is no encrypted form) asks first.
    pub(crate) fn plaintext_allowed(&mut self, what: String, then: Then, sealed: Sealed) -> bool {
        if self.project.evidence.seal.is_none() {
            return true;
        }
        self.plaintext = Some(Warning { what, then, sealed });
        false
    }

    /// Write `plain` at `path`, atomically: sealed with the project's passphrase or keys when
    /// the name ends in `.age`.
    pub(super) fn write_out(&self, path: &Path, plain: &[u8]) -> anyhow::Result<()> {
        match self.seal_for(path)? {
            Some(seal) => seal.write_file(path, plain),
            None => Ok(crate::io::write_atomic(path, |w| {
                std::io::Write::write_all(w, plain)
            })?),
        }
    }

    /// How a file written at `path` is sealed: with the project's passphrase or keys when its
    /// name ends in `.age`, else not at all. An `.age` name for a project that is not
    /// encrypted is an error (there is nothing to seal it with).
    pub(crate) fn seal_for(&self, path: &Path) -> anyhow::Result<Option<&crate::evidence::Seal>> {
        if !is_sealed_name(path) {
            return Ok(None);
        }
        match &self.project.evidence.seal {
            Some(seal) => Ok(Some(seal)),
            None => anyhow::bail!(
                "{} ends in .age, but the project is not encrypted: encrypt it first \
                 (Encrypt…), or use --passphrase-env on the command line",
                path.display()
            ),
        }
    }

    /// The warning window (every frame).
    pub(super) fn plaintext_ui(&mut self, ctx: &egui::Context) {
        let Some(warning) = &self.plaintext else {
            return;
        };
        // `None`: cancel; `Some(true)`: the encrypted file; `Some(false)`: in plaintext.
        let mut answer = None;
        let mut close = crate::ui::popup::esc(ctx);
        egui::Window::new("This project is encrypted")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(RichText::new(format!("{}.", warning.what)).strong());
                ui.label(
                    "Anyone who gets that file reads it: it is not protected by the project's \
                     passphrase or keys.",
                );
                if let Err(why) = &warning.sealed {
                    ui.label(why);
                }
                ui.horizontal(|ui| {
                    if let Ok((_, path)) = &warning.sealed {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        // Never replaced without saying so.
                        let replacing = if path.exists() { ", replacing it" } else { "" };
                        if ui
                            .button(format!("Write it encrypted ({name}{replacing})"))
                            .on_hover_text(
                                "In the age format, with the project's passphrase or keys \
                                 (age -d opens it)",
                            )
                            .clicked()
                        {
                            answer = Some(true);
                        }
                    }
                    if ui.button("Write it in plaintext").clicked() {
                        answer = Some(false);
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if !close && answer.is_none() {
            return;
        }
        let Some(warning) = self.plaintext.take() else {
            return;
        };
        match (answer, warning.then, warning.sealed) {
            (Some(true), _, Ok((command, _))) => self.push(command),
            (Some(false), Then::Command(command), _) => {
                self.push(Command::Plaintext(Box::new(command)));
            }
            (Some(false), Then::Publish, _) => self.publish_waiting(ctx),
            (Some(false), Then::Database, _) => self.save_to_database(ctx),
            (_, Then::Publish, _) => self.drop_waiting_publication(),
            _ => self.status = "Nothing was written.".into(),
        }
    }
}

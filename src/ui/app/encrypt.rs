//! *Encrypt project…* in the window: seal the project with a passphrase (typed twice) or to
//! the age public keys (`age1…`) of the team members who may open it, change the passphrase
//! or keys, or remove the encryption; each is saved at once and recorded in the custody log.
//! The sealing itself is [`crate::evidence::Seal`] (the age format; `age -d` opens the file).
//!
//! Promises: a passphrase is asked twice and never shown; nothing changes until the dialog's
//! button is pressed and the seal could be made; the autosave written before the project was
//! encrypted is deleted, so no plaintext copy of it stays behind.

use age::secrecy::SecretString;
use egui::{Color32, RichText};
use zeroize::Zeroizing;

use crate::evidence::{Event, Seal};
use crate::ui::app::RaidmapApp;
use crate::ui::command::Command;

/// How the user wants the project sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Passphrase,
    Keys,
}

/// The *Encrypt project…* window.
#[derive(Default)]
pub(super) struct EncryptDialog {
    open: bool,
    mode: Mode,
    passphrase: Zeroizing<String>,
    repeated: Zeroizing<String>,
    /// `age1…` keys, one a line.
    keys: String,
    /// Why the last try failed.
    message: Option<String>,
}

impl EncryptDialog {
    /// Close the window and wipe what was typed.
    fn close(&mut self) {
        *self = Self::default();
    }
}

/// What the dialog asked for when its button was pressed.
enum Action {
    Seal(Seal),
    Remove,
}

impl RaidmapApp {
    /// The project bar's button: *Encrypt…*, or *Encrypted…* with a lock when it is.
    pub(super) fn encrypt_button_ui(&mut self, ui: &mut egui::Ui) {
        let (label, hover) = match &self.project.evidence.seal {
            None => (
                "Encrypt…".to_owned(),
                "Protect the project with a passphrase or your team's age keys".to_owned(),
            ),
            Some(seal) => (
                "Encrypted…".to_owned(),
                format!(
                    "The project is encrypted {}: change the passphrase or keys, or remove the \
                     encryption",
                    seal.describe()
                ),
            ),
        };
        if ui.button(label).on_hover_text(hover).clicked() {
            self.project.encrypt.open = true;
            self.project.encrypt.mode = match self.project.evidence.seal {
                Some(Seal::Recipients(_)) => Mode::Keys,
                _ => Mode::Passphrase,
            };
            if let Some(seal) = &self.project.evidence.seal {
                self.project.encrypt.keys = seal.recipient_keys().join("\n");
            }
        }
    }

    /// The *Encrypt project* window.
    pub(super) fn encrypt_window_ui(&mut self, ctx: &egui::Context) {
        if !self.project.encrypt.open {
            return;
        }
        let current = self.project.evidence.seal.as_ref().map(Seal::describe);
        let dialog = &mut self.project.encrypt;
        let mut action = None;
        let mut cancel = false;
        let title = if current.is_some() {
            "Project encryption"
        } else {
            "Encrypt project"
        };
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.set_max_width(460.0);
                ui.label(match &current {
                    Some(how) => format!("The project is encrypted {how}."),
                    None => "The project is not encrypted: anyone who gets the file can read \
                             it."
                    .to_owned(),
                });
                ui.label(
                    "Encrypted, the project file is in the age format: raidmap and `age -d` open \
                     it with the passphrase or key. Every layer is embedded in it and its \
                     autosave is encrypted too; the layers' original files are not changed.",
                );
                ui.separator();
                ui.horizontal(|ui| {
                    ui.radio_value(&mut dialog.mode, Mode::Passphrase, "A passphrase");
                    ui.radio_value(&mut dialog.mode, Mode::Keys, "Team members' public keys");
                });
                dialog.secret_ui(ui);
                if let Some(message) = &dialog.message {
                    ui.label(RichText::new(message).color(Color32::from_rgb(190, 30, 30)));
                }
                ui.horizontal(|ui| {
                    let label = if current.is_some() {
                        "Change and save"
                    } else {
                        "Encrypt and save"
                    };
                    if ui.button(label).clicked() {
                        match dialog.seal() {
                            Ok(seal) => action = Some(Action::Seal(seal)),
                            Err(message) => dialog.message = Some(message),
                        }
                    }
                    if current.is_some()
                        && ui
                            .button("Remove encryption")
                            .on_hover_text("Save the project in plaintext again")
                            .clicked()
                    {
                        action = Some(Action::Remove);
                    }
                    cancel = ui.button("Cancel").clicked();
                });
            });
        if cancel {
            dialog.close();
        }
        if let Some(action) = action {
            dialog.close();
            self.reseal(action);
        }
    }

    /// Seal the project anew (or in plaintext), log it and save it.
    fn reseal(&mut self, action: Action) {
        let read_sha = self
            .project
            .path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .map(|bytes| crate::evidence::sha256_hex(&bytes))
            .unwrap_or_default();
        let name = self
            .project
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(
                || "the unsaved project".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
        let user = self.user();
        let (seal, event, detail) = match action {
            Action::Seal(seal) => {
                let detail = format!("{name} {}", seal.describe());
                (Some(seal), Event::Encrypted, detail)
            }
            Action::Remove => (None, Event::Decrypted, format!("{name} saved in plaintext")),
        };
        self.project.evidence.seal = seal;
        self.project
            .evidence
            .log
            .record(&user, event, &read_sha, &detail);
        // The autosave may hold the project as it was before: it goes (a new one is written
        // sealed as the project now is, when there is unsaved work).
        self.remove_autosave_file();
        self.push(Command::SaveProject);
    }
}

impl EncryptDialog {
    /// The passphrase (twice) or the public keys, by the mode chosen.
    fn secret_ui(&mut self, ui: &mut egui::Ui) {
        match self.mode {
            Mode::Passphrase => {
                egui::Grid::new("encrypt-passphrase").show(ui, |ui| {
                    let name = ui.label("Passphrase");
                    ui.add(
                        egui::TextEdit::singleline(&mut *self.passphrase)
                            .password(true)
                            .desired_width(260.0),
                    )
                    .labelled_by(name.id);
                    ui.end_row();
                    let name = ui.label("Repeat it");
                    ui.add(
                        egui::TextEdit::singleline(&mut *self.repeated)
                            .password(true)
                            .desired_width(260.0),
                    )
                    .labelled_by(name.id);
                    ui.end_row();
                });
                ui.label(
                    RichText::new(
                        "Without the passphrase nobody can open the project, you \
                         included: keep it somewhere safe.",
                    )
                    .weak()
                    .small(),
                );
            }
            Mode::Keys => {
                let name =
                    ui.label("age public keys (age1…), one a line; each one's owner can open it:");
                ui.add(
                    egui::TextEdit::multiline(&mut self.keys)
                        .desired_rows(3)
                        .desired_width(440.0)
                        .font(egui::TextStyle::Monospace),
                )
                .labelled_by(name.id);
                ui.label(
                    RichText::new(
                        "The age format allows a passphrase or keys, not both. You open \
                         it with your identity file (raidmap --identity FILE).",
                    )
                    .weak()
                    .small(),
                );
            }
        }
    }

    /// The seal asked for, or why it cannot be made.
    fn seal(&self) -> Result<Seal, String> {
        match self.mode {
            Mode::Passphrase => {
                if self.passphrase.is_empty() {
                    return Err("Type a passphrase (twice).".into());
                }
                if *self.passphrase != *self.repeated {
                    return Err("The two passphrases differ: type them again.".into());
                }
                let secret = SecretString::from(self.passphrase.as_str());
                Seal::new(Some(secret), &[]).map_err(|e| e.to_string())
            }
            Mode::Keys => {
                let keys: Vec<String> = self
                    .keys
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_owned)
                    .collect();
                Seal::new(None, &keys).map_err(|e| e.to_string())
            }
        }
    }
}

//! Opening an encrypted project in the window: when the project (or the recovered autosave of
//! one) needs a passphrase, a window asks for it; when it is sealed to age public keys, for
//! the identity file. A wrong passphrase says so and nothing is opened or changed; the
//! project is read again on its thread with what was typed. `RAIDMAP_PASSPHRASE` and
//! `raidmap --identity FILE` are tried first ([`crate::evidence::keys`]).
//!
//! What is typed lives in a [`Zeroizing`] string (wiped when the window closes) and in
//! egui's text-edit state, which is removed with it; once read, the passphrase is a
//! `SecretString` held only by the project's seal, to save it encrypted again.

use std::path::PathBuf;

use age::secrecy::SecretString;
use egui::{Color32, RichText};
use zeroize::Zeroizing;

use crate::evidence::seal::OpenError;
use crate::project::ProjectError;
use crate::ui::app::RaidmapApp;

/// What the open project needs to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Passphrase,
    /// The age identity file (`AGE-SECRET-KEY-1…`) of one of the public keys it is sealed to.
    Identity,
}

/// The window asking for a project's passphrase or identity file.
pub(super) struct Unlock {
    path: PathBuf,
    recovered: bool,
    needs: Needs,
    typed: Zeroizing<String>,
    /// Why the last try failed.
    message: Option<String>,
}

/// The id of the passphrase field (its egui state is removed when the window closes).
fn field_id() -> egui::Id {
    egui::Id::unique("raidmap-unlock-field")
}

impl RaidmapApp {
    /// Opening `path` failed with `err`: when a passphrase or key would open it, ask for it
    /// and return `true` (nothing else is reported); else `false`.
    pub(super) fn ask_for_key(
        &mut self,
        path: &std::path::Path,
        recovered: bool,
        err: &ProjectError,
    ) -> bool {
        let ProjectError::Sealed { source, .. } = err else {
            return false;
        };
        let (needs, message) = match source {
            OpenError::NeedPassphrase => (Needs::Passphrase, None),
            OpenError::WrongPassphrase => (
                Needs::Passphrase,
                Some("The passphrase is wrong. Nothing was opened or changed.".to_owned()),
            ),
            OpenError::NeedIdentity => (Needs::Identity, None),
            OpenError::NoMatchingKey => (
                Needs::Identity,
                Some(
                    "None of the identities given can open it (it was encrypted to other keys)."
                        .to_owned(),
                ),
            ),
            OpenError::Armored | OpenError::Damaged(_) => return false,
        };
        self.project.unlock = Some(Unlock {
            path: path.to_owned(),
            recovered,
            needs,
            typed: Zeroizing::new(String::new()),
            message,
        });
        self.status = format!("{} is encrypted.", path.display());
        true
    }

    /// Whether the window asks for a passphrase or an identity file.
    pub fn is_asking_for_key(&self) -> bool {
        self.project.unlock.is_some()
    }

    /// The passphrase / identity window.
    pub(super) fn unlock_ui(&mut self, ctx: &egui::Context) {
        let Some(unlock) = &mut self.project.unlock else {
            return;
        };
        let name = unlock
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| unlock.path.display().to_string());
        let mut submit = false;
        let mut cancel = false;
        egui::Window::new("Encrypted project")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.set_max_width(440.0);
                let field = match unlock.needs {
                    Needs::Passphrase => {
                        ui.label(format!(
                            "{name} is encrypted. Type its passphrase to open it."
                        ));
                        egui::TextEdit::singleline(&mut *unlock.typed)
                            .password(true)
                            .hint_text("passphrase")
                    }
                    Needs::Identity => {
                        ui.label(format!(
                            "{name} is encrypted to age public keys. Give the path of your \
                             identity file (made by age-keygen, AGE-SECRET-KEY-1…) to open it."
                        ));
                        egui::TextEdit::singleline(&mut *unlock.typed).hint_text("identity file")
                    }
                };
                let edit = ui.add(field.id(field_id()).desired_width(400.0));
                if !edit.has_focus() && unlock.typed.is_empty() {
                    edit.request_focus();
                }
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if let Some(message) = &unlock.message {
                    ui.label(RichText::new(message).color(Color32::from_rgb(190, 30, 30)));
                }
                ui.label(
                    RichText::new(
                        "While it is open nothing of it is written in plaintext: saves and the \
                         autosave are encrypted the same way.",
                    )
                    .weak()
                    .small(),
                );
                ui.horizontal(|ui| {
                    submit = ui.button("Open").clicked() || enter;
                    cancel = ui.button("Cancel").clicked();
                });
            });
        if cancel {
            self.status = format!("{name} was not opened.");
            self.close_unlock(ctx);
            return;
        }
        if !submit || unlock.typed.is_empty() {
            return;
        }
        let (path, recovered) = (unlock.path.clone(), unlock.recovered);
        let passphrase = match unlock.needs {
            Needs::Passphrase => Some(SecretString::from(unlock.typed.as_str())),
            Needs::Identity => {
                let file = PathBuf::from(unlock.typed.trim());
                if let Err(err) = crate::evidence::keys::add_identity_file(&file) {
                    unlock.message = Some(err);
                    return;
                }
                // Remembered (the path only), so the next start finds it.
                self.session.identity_file = Some(file);
                None
            }
        };
        self.close_unlock(ctx);
        self.start_opening(&path, recovered, passphrase);
    }

    /// Close the window, wiping what was typed (also from egui's undo state of the field).
    fn close_unlock(&mut self, ctx: &egui::Context) {
        self.project.unlock = None;
        ctx.data_mut(|d| d.remove::<egui::text_edit::TextEditState>(field_id()));
    }
}

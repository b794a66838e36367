//! The custody log window: every evidence event of the project (attached, removed, exported,
//! hash verified or failed, encrypted, decrypted) with its UTC time, user, SHA-256 and what it
//! concerned, oldest first, and whether the log's hash chain is intact
//! ([`crate::evidence::CustodyLog::verify`]). The log is shown, never edited; *Copy as CSV*
//! gives what `raidmap log --csv` prints.

use egui::{Color32, RichText};

use crate::evidence::CustodyLog;

/// Show the window while `open`.
pub(crate) fn custody_log_ui(ctx: &egui::Context, open: &mut bool, log: &CustodyLog) {
    egui::Window::new("Custody log")
        .open(open)
        .collapsible(false)
        .default_size([640.0, 320.0])
        // Below the project bar, so it does not cover the button that toggles it.
        .default_pos([240.0, 120.0])
        .show(ctx, |ui| {
            let entries = log.entries();
            match log.verify() {
                Ok(()) if entries.is_empty() => ui.label(
                    "Nothing recorded yet. Attaching, removing, exporting and encrypting \
                     evidence are recorded here, with the time, the user and the SHA-256.",
                ),
                Ok(()) => ui.label(RichText::new(format!(
                    "Chain intact: {} entr{}, each hashed over the one before: none was changed or \
                     removed.",
                    entries.len(),
                    if entries.len() == 1 { "y" } else { "ies" }
                ))),
                Err(broken) => ui.label(
                    RichText::new(format!("Warning: {broken}."))
                        .color(Color32::from_rgb(190, 30, 30))
                        .strong(),
                ),
            };
            if entries.is_empty() {
                return;
            }
            ui.horizontal(|ui| {
                if ui
                    .button("Copy as CSV")
                    .on_hover_text("The log as raidmap log --csv prints it")
                    .clicked()
                {
                    ui.ctx().copy_text(log.to_csv());
                }
                ui.label(RichText::new("Times in UTC.").weak());
            });
            ui.separator();
            egui::ScrollArea::both()
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    egui::Grid::new("custody-log")
                        .striped(true)
                        .num_columns(5)
                        .show(ui, |ui| {
                            for title in ["Time (UTC)", "User", "Event", "SHA-256", "Detail"] {
                                ui.label(RichText::new(title).strong());
                            }
                            ui.end_row();
                            for e in entries {
                                ui.label(RichText::new(&e.time).monospace());
                                ui.label(&e.user);
                                ui.label(e.event.word());
                                let short = e.sha256.get(..12).unwrap_or(&e.sha256);
                                let sha = ui
                                    .add(
                                        egui::Label::new(
                                            RichText::new(format!("{short}…")).monospace(),
                                        )
                                        .sense(egui::Sense::click()),
                                    )
                                    .on_hover_text(format!("{}\n(click to copy)", e.sha256));
                                if sha.clicked() {
                                    ui.ctx().copy_text(e.sha256.clone());
                                }
                                ui.label(&e.detail);
                                ui.end_row();
                            }
                        });
                });
        });
}

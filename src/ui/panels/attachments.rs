//! The Feature tab's attachments: each attached file with a thumbnail when it is an image
//! ([`super::thumbnail`]), its size, media type and SHA-256 (copyable), whether its bytes
//! still match that hash, and *Open* (a private temporary copy in the system viewer), *Save
//! as…* (a copy of the exact bytes) and *Remove* (an undoable edit); *Attach…* and files
//! dropped on the window add more.

use std::collections::BTreeSet;

use egui::{Color32, RichText};

use crate::evidence::{Evidence, attachment};
use crate::model::{Feature, FeatureRef};
use crate::ui::command::Command;

/// The attachments section for one feature.
pub(crate) fn attachments_ui(
    ui: &mut egui::Ui,
    r: FeatureRef,
    feature: &Feature,
    evidence: &Evidence,
    failed: &BTreeSet<String>,
    commands: &mut Vec<Command>,
) {
    let list = attachment::of(feature);
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Attachments ({})", list.len())).strong());
        if ui
            .small_button("Attach…")
            .on_hover_text(
                "Attach files (photos, screenshots, PDFs, documents); or drop them on the window",
            )
            .clicked()
        {
            commands.push(Command::AskAttach(r));
        }
    });
    if list.is_empty() {
        ui.label(RichText::new("No files attached. Drop files here to attach them.").weak());
        return;
    }
    for a in &list {
        let stored = evidence.store.get(&a.sha256).is_some();
        let damaged = failed.contains(&a.sha256) || !stored;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            if a.is_image()
                && let Some(bytes) = evidence.store.get(&a.sha256)
                && let Some(texture) = super::thumbnail::thumbnail(ui.ctx(), &a.sha256, bytes)
            {
                let size = egui::Vec2::splat(super::thumbnail::SIZE as f32);
                ui.add(
                    egui::Image::from_texture(&texture)
                        .max_size(size)
                        .alt_text(format!("Thumbnail of {}", a.name)),
                );
            }
            ui.horizontal(|ui| {
                ui.label(RichText::new(&a.name).strong());
                ui.label(RichText::new(format!("{} bytes · {}", a.bytes, a.media_type)).weak());
            });
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("SHA-256 {}", &a.sha256)).monospace().small());
                if ui.small_button("Copy").on_hover_text("Copy the SHA-256").clicked() {
                    ui.ctx().copy_text(a.sha256.clone());
                }
            });
            if damaged {
                ui.label(
                    RichText::new(if stored {
                        "The stored file does not match this hash (changed or damaged)."
                    } else {
                        "The file is missing from the project."
                    })
                    .color(Color32::from_rgb(190, 30, 30)),
                );
            }
            ui.label(RichText::new(format!("added {} by {}", a.added, a.added_by)).weak().small());
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(stored, egui::Button::new("Open"))
                    .on_hover_text("Open a temporary copy in the system's viewer (deleted when the project closes)")
                    .clicked()
                {
                    commands.push(Command::OpenAttachment(a.sha256.clone(), a.name.clone()));
                }
                if ui
                    .add_enabled(stored, egui::Button::new("Save as…"))
                    .on_hover_text("Save a copy of the file (its exact bytes) outside the project")
                    .clicked()
                {
                    commands.push(Command::AskSaveAttachment(a.sha256.clone(), a.name.clone()));
                }
                if ui
                    .button("Remove")
                    .on_hover_text("Remove the attachment (Undo brings it back; the custody log keeps its lines)")
                    .clicked()
                {
                    commands.push(Command::RemoveAttachment(r, a.sha256.clone()));
                }
            });
        });
    }
}

//! The conflicts of a refused save: for each feature, the other person's values next to the
//! person's own, and a choice per field (or, for a deleted row or a taken id, per feature):
//! take theirs or keep mine. Applying the choices is one step of the undo history; saving again
//! then writes exactly what was chosen.

use std::collections::HashMap;

use egui::RichText;
use serde_json::Value;

use crate::edit::Edit;
use crate::io::postgis::read::id_key;
use crate::io::postgis::{Choice, Conflict, ConflictKind, Field, Resolution, resolve};
use crate::model::{FeatureRef, LayerId};
use crate::ui::app::RaidmapApp;

/// The window listing one layer's conflicts.
pub struct ConflictsWindow {
    pub layer: LayerId,
    name: String,
    conflicts: Vec<Conflict>,
    /// Per conflict: the choice per field in conflict (one, under `Field::Geometry`, for a
    /// deletion or a taken id).
    choices: Vec<HashMap<Field, Choice>>,
}

/// What the person asked for.
enum Action {
    Apply { save_again: bool },
    Close,
}

impl ConflictsWindow {
    pub fn new(layer: LayerId, name: String, conflicts: Vec<Conflict>) -> Self {
        let choices = vec![HashMap::new(); conflicts.len()];
        Self {
            layer,
            name,
            conflicts,
            choices,
        }
    }

    /// The fields a conflict asks a choice for.
    fn fields(conflict: &Conflict) -> Vec<Field> {
        match conflict.kind {
            ConflictKind::Changed => conflict.fields.iter().map(|f| f.field.clone()).collect(),
            _ => vec![Field::Geometry],
        }
    }

    /// Choose `choice` for every field of every conflict.
    pub fn choose_all(&mut self, choice: Choice) {
        for (conflict, choices) in self.conflicts.iter().zip(&mut self.choices) {
            for field in Self::fields(conflict) {
                choices.insert(field, choice);
            }
        }
    }

    fn complete(&self) -> bool {
        self.conflicts
            .iter()
            .zip(&self.choices)
            .all(|(c, chosen)| Self::fields(c).iter().all(|f| chosen.contains_key(f)))
    }

    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let mut action = None;
        let mut open = true;
        egui::Window::new("Conflicts with others' saves")
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(560.0)
            .max_height(ctx.content_rect().height() * 0.8)
            .show(ctx, |ui| {
                ui.label(format!(
                    "Nothing was saved to {}: someone else saved changes to the same features \
                     since you read them. For each, take theirs or keep yours, then save again.",
                    self.name
                ));
                ui.horizontal(|ui| {
                    if ui.button("Take all theirs").clicked() {
                        self.choose_all(Choice::Theirs);
                    }
                    if ui.button("Keep all mine").clicked() {
                        self.choose_all(Choice::Mine);
                    }
                });
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(ctx.content_rect().height() * 0.5)
                    .show(ui, |ui| {
                        for (i, (conflict, chosen)) in
                            self.conflicts.iter().zip(&mut self.choices).enumerate()
                        {
                            ui.push_id(i, |ui| conflict_ui(ui, conflict, chosen));
                            ui.separator();
                        }
                    });
                ui.horizontal(|ui| {
                    let complete = self.complete();
                    let save = ui
                        .add_enabled(complete, egui::Button::new("Apply and save again"))
                        .on_disabled_hover_text("Choose for every conflict first");
                    if save.clicked() {
                        action = Some(Action::Apply { save_again: true });
                    }
                    if ui
                        .add_enabled(complete, egui::Button::new("Apply"))
                        .on_hover_text("Apply the choices to the map; save later")
                        .clicked()
                    {
                        action = Some(Action::Apply { save_again: false });
                    }
                    if ui.button("Decide later").clicked() {
                        action = Some(Action::Close);
                    }
                });
            });
        if !open {
            action = Some(Action::Close);
        }
        action
    }
}

/// One conflict: what the other person did and the choices.
fn conflict_ui(ui: &mut egui::Ui, conflict: &Conflict, chosen: &mut HashMap<Field, Choice>) {
    ui.label(RichText::new(conflict.describe()).strong());
    let (theirs, mine) = match conflict.kind {
        ConflictKind::Changed => {
            egui::Grid::new("fields").num_columns(3).show(ui, |ui| {
                for field in &conflict.fields {
                    ui.label(field.field.to_string());
                    let theirs = format!("theirs: {}", shown(&field.theirs, &field.field));
                    let mine = format!("yours: {}", shown(&field.mine, &field.field));
                    choice_ui(ui, chosen, &field.field, theirs, mine);
                    ui.end_row();
                }
            });
            return;
        }
        ConflictKind::DeletedByOther => ("delete it, as they did", "keep yours (add it back)"),
        ConflictKind::ChangedByOther => ("keep their row", "delete it anyway"),
        ConflictKind::IdTaken => ("take their row", "put yours in its place"),
    };
    ui.horizontal(|ui| {
        choice_ui(ui, chosen, &Field::Geometry, theirs.into(), mine.into());
    });
}

fn choice_ui(
    ui: &mut egui::Ui,
    chosen: &mut HashMap<Field, Choice>,
    field: &Field,
    theirs: String,
    mine: String,
) {
    let now = chosen.get(field).copied();
    if ui.radio(now == Some(Choice::Theirs), theirs).clicked() {
        chosen.insert(field.clone(), Choice::Theirs);
    }
    if ui.radio(now == Some(Choice::Mine), mine).clicked() {
        chosen.insert(field.clone(), Choice::Mine);
    }
}

/// A value as a person reads it (a geometry by its type; long text cut).
fn shown(value: &Value, field: &Field) -> String {
    if *field == Field::Geometry {
        return match value.get("type").and_then(Value::as_str) {
            Some(kind) => format!("{kind} (moved)"),
            None => "none".into(),
        };
    }
    let text = match value {
        Value::String(s) => format!("\"{s}\""),
        Value::Null => "none".into(),
        other => other.to_string(),
    };
    if text.chars().count() > 48 {
        format!("{}…", text.chars().take(47).collect::<String>())
    } else {
        text
    }
}

impl RaidmapApp {
    /// The conflicts window, and what the person chose in it.
    pub(crate) fn conflicts_ui(&mut self, ctx: &egui::Context) {
        let Some(window) = &mut self.database.conflicts else {
            return;
        };
        match window.ui(ctx) {
            None => {}
            Some(Action::Close) => {
                self.database.conflicts = None;
                self.status = "The conflicts are left for later: Save to database shows them \
                               again."
                    .into();
            }
            Some(Action::Apply { save_again }) => {
                if let Some(window) = self.database.conflicts.take() {
                    let id = window.layer;
                    self.settle(window);
                    if save_again {
                        self.save_layer(ctx, id);
                    }
                }
            }
        }
    }

    /// Apply the person's choices: the features as one step of the undo history, the rows'
    /// versions on the layer's origin.
    pub fn settle(&mut self, window: ConflictsWindow) {
        let id = window.layer;
        let Some(layer) = self.doc.layer(id) else {
            return;
        };
        // Features are found by id now (the layer may have changed since the save).
        let index_of: HashMap<String, usize> = layer
            .features
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((id_key(f.id()?), i)))
            .collect();
        let mut replaced = Vec::new();
        let mut removed = Vec::new();
        let mut restored = Vec::new();
        let mut versions: Vec<(String, Option<u32>)> = Vec::new();
        for (conflict, chosen) in window.conflicts.iter().zip(&window.choices) {
            let mut conflict = conflict.clone();
            conflict.index = index_of.get(&conflict.key).copied();
            let choose = |f: &Field| chosen.get(f).copied().unwrap_or(Choice::Mine);
            match resolve(&conflict, choose) {
                Some(Resolution::Replace {
                    index,
                    feature,
                    version,
                }) => {
                    if let Some((key, version)) = version {
                        versions.push((key, Some(version)));
                    }
                    replaced.push(Edit::ReplaceFeature {
                        target: FeatureRef { layer: id, index },
                        feature,
                    });
                }
                Some(Resolution::Remove { index, key }) => {
                    versions.push((key, None));
                    removed.push(index);
                }
                Some(Resolution::Restore {
                    feature,
                    version: (key, version),
                }) => {
                    versions.push((key, Some(version)));
                    restored.push(feature);
                }
                Some(Resolution::Reinsert { key }) => versions.push((key, None)),
                Some(Resolution::Version { key, version }) => {
                    versions.push((key, Some(version)));
                }
                None => {}
            }
        }
        let count = window.conflicts.len();
        let mut edits = replaced;
        removed.sort_unstable();
        removed.dedup();
        let remaining = layer.features.len() - removed.len();
        if !removed.is_empty() {
            edits.push(Edit::DeleteFeatures {
                layer: id,
                indices: removed,
            });
        }
        if !restored.is_empty() {
            edits.push(Edit::InsertFeatures {
                layer: id,
                features: restored
                    .into_iter()
                    .enumerate()
                    .map(|(k, f)| (remaining + k, f))
                    .collect(),
            });
        }
        if !edits.is_empty() {
            self.edit(
                Edit::Batch(edits),
                format!("Settle {count} conflicts in {}", window.name),
            );
        }
        if let Some(origin) = self.doc.layer_mut(id).and_then(|l| l.table.as_deref_mut()) {
            for (key, version) in versions {
                match version {
                    Some(version) => origin.versions.insert(key, version),
                    None => origin.versions.remove(&key),
                };
            }
        }
        self.status = format!(
            "Settled {count} conflicts in {}: Save to database writes your choices.",
            window.name
        );
    }
}

//! What the windows ask before any work: the other version (a file, or another open layer)
//! and what matches a feature across versions (its `id`, or a property the user picks).

use std::path::PathBuf;

use crate::merge::Key;
use crate::model::{Document, LayerId};

/// Properties offered as keys: those of the layer's first features (enough to see every
/// column of an ordinary layer without scanning 100,000 features each frame).
const KEY_SCAN: usize = 2_000;

/// The key chosen in a window (`None`: the `id` member).
#[derive(Debug, Clone, Default)]
pub struct KeyChoice {
    pub property: Option<String>,
    /// The layer's property names, read once when the window opens.
    names: Vec<String>,
}

impl KeyChoice {
    /// Offer the properties of `layer`.
    pub fn for_layer(doc: &Document, layer: LayerId) -> Self {
        let mut names: Vec<String> = Vec::new();
        if let Some(layer) = doc.layer(layer) {
            for feature in layer.features.iter().take(KEY_SCAN) {
                for name in feature.property_keys() {
                    if !names.iter().any(|n| *n == name) {
                        names.push(name.into_owned());
                    }
                }
            }
        }
        Self {
            property: None,
            names,
        }
    }

    pub fn key(&self) -> Key {
        match &self.property {
            Some(name) => Key::Property(name.clone()),
            None => Key::Id,
        }
    }

    /// The choice: `id` or one of the properties. True when it changed.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> bool {
        let before = self.property.clone();
        ui.horizontal(|ui| {
            ui.label("Match features by");
            let shown = match &self.property {
                Some(name) => format!("property {name}"),
                None => "id".to_owned(),
            };
            let combo = egui::ComboBox::from_id_salt("merge-key")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.property, None, "id");
                    for name in &self.names {
                        ui.selectable_value(
                            &mut self.property,
                            Some(name.clone()),
                            format!("property {name}"),
                        );
                    }
                });
            crate::ui::a11y::name(&combo.response, "Match features by");
            combo
                .response
                .on_hover_text("Features of the two versions with the same value are the same feature; those without one are matched by identical content");
        });
        before != self.property
    }
}

/// The other version in *Compare with…*: a file, or another open layer.
#[derive(Debug, Clone, Default)]
pub struct OtherChoice {
    /// A file's path, typed or picked with *Browse…*.
    pub path: String,
    /// Another open layer (then `path` is not used).
    pub layer: Option<LayerId>,
}

/// What the user asked for from the other-version row.
pub enum Asked {
    Nothing,
    /// Show a file dialog.
    Browse,
}

impl OtherChoice {
    pub fn path(&self) -> Option<PathBuf> {
        let path = self.path.trim();
        (!path.is_empty()).then(|| PathBuf::from(path))
    }

    /// The file row (path and *Browse…*) and, when `layers` is true, the open layers to pick
    /// instead (all but `this`).
    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &Document, this: LayerId, layers: bool) -> Asked {
        let mut asked = Asked::Nothing;
        ui.horizontal(|ui| {
            ui.label("File");
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.path)
                    .hint_text("path of the other version")
                    .desired_width(300.0),
            );
            crate::ui::a11y::name(&edit, "Other version's file");
            if edit.changed() {
                self.layer = None;
            }
            if ui.button("Browse…").clicked() {
                asked = Asked::Browse;
            }
        });
        let others: Vec<(LayerId, String)> = doc
            .layers()
            .filter(|(id, _)| *id != this)
            .map(|(id, l)| (id, l.name.clone()))
            .collect();
        if layers && !others.is_empty() {
            ui.horizontal(|ui| {
                ui.label("or the open layer");
                let shown = self
                    .layer
                    .and_then(|id| others.iter().find(|(o, _)| *o == id))
                    .map_or("(none)".to_owned(), |(_, n)| n.clone());
                let combo = egui::ComboBox::from_id_salt("compare-layer")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.layer, None, "(none)");
                        for (id, name) in &others {
                            ui.selectable_value(&mut self.layer, Some(*id), name);
                        }
                    });
                crate::ui::a11y::name(&combo.response, "Other open layer");
            });
        }
        asked
    }
}

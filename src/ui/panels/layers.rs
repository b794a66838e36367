//! The layers panel: open files, see each layer's visibility, colour and feature count, list
//! its features, zoom to, export or close it; and the problems of files that failed to load.

use std::collections::HashMap;
use std::path::PathBuf;

use egui::{Color32, RichText};

use crate::model::{Document, FeatureRef, LayerId};
use crate::render::layer_view::LayerView;
use crate::ui::command::Command;
use crate::ui::panels::style_editor::StyleEditor;

/// A file that could not be opened or written, with every problem found.
#[derive(Debug, Clone)]
pub struct ProblemReport {
    pub title: String,
    pub lines: Vec<String>,
}

#[derive(Default)]
pub(crate) struct LayersPanel {
    /// Typed path for "Open path" (for machines without a native file dialog).
    path_text: String,
    /// Whether each layer has edits, by the layer revision it was found for (looking costs a
    /// pass over every feature, too much for every frame with a million).
    edited: HashMap<LayerId, (u64, bool)>,
    styles: StyleEditor,
}

impl LayersPanel {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        selection: Option<FeatureRef>,
        problems: &mut Vec<ProblemReport>,
        open: &mut bool,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            let fold = ui.small_button("«").on_hover_text("Fold this panel");
            crate::ui::a11y::name(&fold, "Fold the layers panel");
            if fold.clicked() {
                *open = false;
            }
            ui.heading("Layers");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("Open…")
                    .on_hover_text("Open GeoJSON files as layers (or drop them on the window)")
                    .clicked()
                {
                    commands.push(Command::AskOpen);
                }
            });
        });
        ui.horizontal(|ui| {
            let width = ui.available_width();
            let edit = crate::ui::path_field::path_field(
                ui,
                "open-path",
                &mut self.path_text,
                ("File to open", "or type a file path and press Enter"),
                width,
            );
            if edit.submitted && !self.path_text.trim().is_empty() {
                commands.push(Command::Open(vec![PathBuf::from(self.path_text.trim())]));
                self.path_text.clear();
            }
        });
        ui.horizontal(|ui| {
            ui.menu_button("Open photos…", |ui| {
                if ui
                    .button("Photo files…")
                    .on_hover_text("Geotagged photos become points, each attached to its point")
                    .clicked()
                {
                    commands.push(Command::AskOpenPhotos { folder: false });
                }
                if ui
                    .button("A folder of photos…")
                    .on_hover_text("Every photo in the folder (not its sub-folders)")
                    .clicked()
                {
                    commands.push(Command::AskOpenPhotos { folder: true });
                }
            })
            .response
            .on_hover_text("Geotagged photos (JPEG, PNG, TIFF, HEIC, WebP) as a point layer");
        });
        problems_ui(ui, problems);
        ui.separator();
        if doc.is_empty() {
            ui.label("No layers. Open a GeoJSON file or drop one here.");
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (id, layer) in doc.layers().rev() {
                    let Some(view) = views.get(&id) else { continue };
                    let revision = doc.layer_revision(id).unwrap_or_default();
                    let edited = match self.edited.get(&id) {
                        Some(&(r, edited)) if r == revision => edited,
                        _ => {
                            let edited = layer.is_edited();
                            self.edited.insert(id, (revision, edited));
                            edited
                        }
                    };
                    layer_row(ui, (id, layer, edited), view, selection, commands);
                    egui::CollapsingHeader::new("Style")
                        .id_salt(("style", id))
                        .show(ui, |ui| {
                            if let Some(style) = self.styles.ui(ui, id, layer, view.style()) {
                                commands.push(Command::SetStyle(id, style));
                            }
                        });
                    ui.separator();
                }
            });
    }
}

fn problems_ui(ui: &mut egui::Ui, problems: &mut Vec<ProblemReport>) {
    let mut dismissed = None;
    for (i, report) in problems.iter().enumerate() {
        egui::Frame::new()
            .fill(Color32::from_rgb(253, 236, 234))
            .stroke(egui::Stroke::new(1.0, Color32::from_rgb(200, 60, 50)))
            .inner_margin(6.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                // Dismiss at the right; the headline wraps in the width left of it.
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    if ui.small_button("Dismiss").clicked() {
                        dismissed = Some(i);
                    }
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Min), |ui| {
                        ui.add(
                            egui::Label::new(
                                RichText::new(&report.title)
                                    .strong()
                                    .color(Color32::from_rgb(150, 20, 10)),
                            )
                            .wrap(),
                        );
                    });
                });
                let shown = 8;
                for line in report.lines.iter().take(shown) {
                    ui.add(egui::Label::new(RichText::new(line).monospace().size(11.5)).wrap());
                }
                if report.lines.len() > shown {
                    ui.label(format!("… and {} more", report.lines.len() - shown));
                }
            });
    }
    if let Some(i) = dismissed {
        problems.remove(i);
    }
}

/// Layers with up to this many features list them all; bigger ones in a scrolled box.
const LISTED_IN_FULL: usize = 500;

/// `layer` with its id and whether it has edits.
fn layer_row(
    ui: &mut egui::Ui,
    (id, layer, edited): (LayerId, &crate::model::Layer, bool),
    view: &LayerView,
    selection: Option<FeatureRef>,
    commands: &mut Vec<Command>,
) {
    layer_header_ui(ui, (id, layer, edited), view, commands);
    layer_buttons_ui(ui, id, layer, commands);
    warnings_ui(ui, layer);
    feature_list_ui(ui, id, layer, selection, commands);
}

/// Visibility, the style's swatch, the name (and file on hover), and the close button.
fn layer_header_ui(
    ui: &mut egui::Ui,
    (id, layer, edited): (LayerId, &crate::model::Layer, bool),
    view: &LayerView,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let mut visible = view.visible;
        let shown = ui
            .checkbox(&mut visible, "")
            .on_hover_text("Show or hide this layer");
        crate::ui::a11y::name(&shown, format!("Show {}", layer.name));
        if shown.changed() {
            commands.push(Command::SetVisible(id, visible));
        }
        let (swatch, _) = ui.allocate_exact_size(egui::vec2(22.0, 18.0), egui::Sense::hover());
        let style = view.style();
        // Coloured by category: the first category's colour stands for the layer.
        let first = style.categories.as_ref().and_then(|c| c.classes.first());
        let color = first.map_or(style.color, |c| c.color);
        let color = crate::render::layer_view::color32(color.faded(style.opacity));
        crate::render::symbols::paint_point(
            ui.painter(),
            swatch.center(),
            style.symbol,
            color,
            6.0,
        );
        let edited = if edited { " •" } else { "" };
        // The close button at the row's right end; the name takes what is left and is cut
        // short with "…" (whole on hover) rather than pushing the button onto a row of its
        // own. The count is on the feature list's header below.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let close = ui
                .small_button("×")
                .on_hover_text("Close this layer (its file is not changed)");
            crate::ui::a11y::name(&close, format!("Close {}", layer.name));
            if close.clicked() {
                commands.push(Command::Remove(id));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                let whole = match &layer.path {
                    Some(path) => format!("{}{edited}\n{}", layer.name, path.display()),
                    None => format!("{}{edited}\nmade in raidmap", layer.name),
                };
                ui.add(
                    egui::Label::new(RichText::new(format!("{}{edited}", layer.name)).strong())
                        .truncate(),
                )
                .on_hover_text(whole);
            });
        });
    });
}

/// Zoom to, Export… and the Versions menu.
fn layer_buttons_ui(
    ui: &mut egui::Ui,
    id: LayerId,
    layer: &crate::model::Layer,
    commands: &mut Vec<Command>,
) {
    // Wraps on a narrow panel rather than cutting the last button off; tight enough that the
    // three fit on one row in the side panel of a 1024 px window.
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        ui.spacing_mut().button_padding.x = 3.0;
        if ui.small_button("Zoom to").clicked()
            && let Some(bbox) = layer.bbox()
        {
            commands.push(Command::ZoomTo(bbox));
        }
        if ui.small_button("Export…").clicked() {
            commands.push(Command::AskExport(id));
        }
        egui::containers::menu::MenuButton::from_button(egui::Button::new("Versions").small())
            .ui(ui, |ui| {
                if ui.button("Compare with…").clicked() {
                    commands.push(Command::CompareWith(id));
                }
                if ui.button("Merge a colleague's copy…").clicked() {
                    commands.push(Command::MergeInto(id));
                }
            })
            .0
            .on_hover_text("Compare this layer with another version, or merge a colleague's copy");
    });
}

/// How many warnings reading the layer gave (listed on hover).
fn warnings_ui(ui: &mut egui::Ui, layer: &crate::model::Layer) {
    if !layer.warnings.is_empty() {
        ui.horizontal(|ui| {
            ui.add_space(24.0);
            ui.label(
                RichText::new(match layer.warnings.len() {
                    1 => "1 warning".to_owned(),
                    n => format!("{n} warnings"),
                })
                .color(Color32::from_rgb(170, 110, 0)),
            )
            .on_hover_text(
                layer
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        });
    }
}

/// The features, each selecting and zooming to itself when clicked (a big layer's in a
/// scrolled box, laid out only where seen).
fn feature_list_ui(
    ui: &mut egui::Ui,
    id: LayerId,
    layer: &crate::model::Layer,
    selection: Option<FeatureRef>,
    commands: &mut Vec<Command>,
) {
    let count = crate::measure::group_thousands(layer.features.len() as f64);
    egui::CollapsingHeader::new(match layer.features.len() {
        1 => "1 feature".to_owned(),
        _ => format!("{count} features"),
    })
    .id_salt(("features", id))
    .default_open(layer.features.len() <= 12)
    .show(ui, |ui| {
        let mut row = |ui: &mut egui::Ui, index: usize| {
            let Some(feature) = layer.features.get(index) else {
                return;
            };
            let r = FeatureRef { layer: id, index };
            let mut text = feature.label(index);
            if feature.bbox().is_none() {
                text.push_str("  (no geometry)");
            }
            if ui.selectable_label(selection == Some(r), text).clicked() {
                commands.push(Command::Select(Some(r)));
                if let Some(bbox) = feature.exact_bbox() {
                    commands.push(Command::ZoomTo(bbox));
                }
            }
        };
        let count = layer.features.len();
        if count <= LISTED_IN_FULL {
            (0..count).for_each(|index| row(ui, index));
        } else {
            // A big layer: only the rows scrolled into view are laid out (and parsed).
            let height = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt(("feature-list", id))
                .max_height(320.0)
                .show_rows(ui, height, count, |ui, rows| {
                    rows.for_each(|index| row(ui, index));
                });
        }
    });
}

//! The inspector: the selected feature's id (with its JSON type), geometry, annotation and
//! every property, editable ([`PropertyEditor`]); for several selected features, one property
//! set on all of them.

use egui::RichText;
use geo::Geometry;
use serde_json::Value;

use std::collections::BTreeSet;

use crate::evidence::Evidence;
use crate::measure;
use crate::model::{Document, FeatureRef};
use crate::ui::command::Command;
use crate::ui::map::editing::delete_command;
use crate::ui::panels::attachments::attachments_ui;
use crate::ui::panels::property_editor::PropertyEditor;

/// Show the selected features (`selected[0]` is the main selection). Returns true when the
/// user asked to clear the selection.
pub(crate) fn inspector_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    selected: &[FeatureRef],
    editor: &mut PropertyEditor,
    evidence: (&Evidence, &BTreeSet<String>),
    commands: &mut Vec<Command>,
) -> bool {
    let selection = selected.first().copied();
    if selected.len() > 1 {
        return many_ui(ui, doc, selected, editor, commands);
    }
    ui.heading("Feature");
    let Some((r, layer, feature)) = selection.and_then(|r| {
        let layer = doc.layer(r.layer)?;
        Some((r, layer, layer.features.get(r.index)?))
    }) else {
        ui.label(RichText::new("Click a feature on the map to see its properties.").weak());
        return false;
    };
    let mut clear = false;
    // The name on its own row, wrapped: beside the buttons a long one ran under them in the
    // right panel of a 1024 px window.
    ui.add(egui::Label::new(RichText::new(feature.label(r.index)).size(17.0).strong()).wrap());
    ui.horizontal_wrapped(|ui| {
        if ui
            .small_button("Copy JSON")
            .on_hover_text("Copy this feature as GeoJSON")
            .clicked()
        {
            let text = feature
                .original_text()
                .map(str::to_owned)
                .unwrap_or_else(|| Value::Object(feature.object().clone()).to_string());
            ui.ctx().copy_text(text);
        }
        if ui
            .small_button("Delete")
            .on_hover_text("Delete this feature (Del)")
            .clicked()
            && let Some(command) = delete_command(doc, &[r])
        {
            commands.push(command);
        }
        if ui.small_button("Deselect").clicked() {
            clear = true;
        }
    });
    ui.label(RichText::new(format!("{} · feature #{}", layer.name, r.index)).weak());
    egui::Grid::new("feature-facts")
        .num_columns(2)
        .striped(false)
        .show(ui, |ui| {
            if let Some(id) = feature.id() {
                ui.label(RichText::new("id").weak());
                let kind = if id.is_string() { "text" } else { "number" };
                ui.label(format!(
                    "{} ({kind})",
                    feature.id_text().unwrap_or_default()
                ));
                ui.end_row();
            }
            ui.label(RichText::new("geometry").weak());
            ui.label(geometry_summary(feature.geometry()));
            ui.end_row();
        });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("inspector-scroll")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            attachments_ui(ui, r, feature, evidence.0, evidence.1, commands);
            ui.separator();
            editor.feature_ui(ui, doc, r, commands);
        });
    clear
}

/// Several features selected: their names, Delete all, and one property set on all.
fn many_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    selected: &[FeatureRef],
    editor: &mut PropertyEditor,
    commands: &mut Vec<Command>,
) -> bool {
    ui.heading(format!("{} features selected", selected.len()));
    ui.label(RichText::new("Ctrl+click on the map adds or removes one.").weak());
    let mut clear = false;
    ui.horizontal(|ui| {
        if ui.small_button("Deselect").clicked() {
            clear = true;
        }
        if ui.small_button("Delete all").clicked()
            && let Some(command) = delete_command(doc, selected)
        {
            commands.push(command);
        }
    });
    for r in selected {
        if let (Some(layer), Some(feature)) = (doc.layer(r.layer), doc.feature(*r)) {
            ui.label(format!("{} ({})", feature.label(r.index), layer.name));
        }
    }
    ui.separator();
    editor.many_ui(ui, doc, selected, commands);
    clear
}

fn geometry_summary(geometry: Option<&Geometry<f64>>) -> String {
    match geometry {
        None => "none (\"geometry\": null)".into(),
        Some(Geometry::Point(p)) => format!("Point, lat {:.6}, lon {:.6}", p.y(), p.x()),
        Some(g) => {
            let name = match g {
                Geometry::LineString(_) => "LineString",
                Geometry::MultiPoint(_) => "MultiPoint",
                Geometry::MultiLineString(_) => "MultiLineString",
                Geometry::Polygon(_) => "Polygon",
                Geometry::MultiPolygon(_) => "MultiPolygon",
                Geometry::GeometryCollection(_) => "GeometryCollection",
                _ => "geometry",
            };
            match measure::representative_point(g) {
                Some((c, _)) => format!("{name}, centroid lat {:.6}, lon {:.6}", c.y(), c.x()),
                None => name.to_owned(),
            }
        }
    }
}

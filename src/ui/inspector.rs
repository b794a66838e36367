//! The inspector: every property of the selected feature, nested values readable, plus its id
//! (with its JSON type) and geometry.

use egui::{Color32, RichText};
use geo::Geometry;
use serde_json::Value;

use crate::measure;
use crate::model::{Document, FeatureRef};

/// Show the selected feature. Returns true when the user asked to clear the selection.
pub fn inspector_ui(ui: &mut egui::Ui, doc: &Document, selection: Option<FeatureRef>) -> bool {
    ui.heading("Feature");
    let Some((r, layer, feature)) = selection.and_then(|r| {
        let layer = doc.layer(r.layer)?;
        Some((r, layer, layer.features.get(r.index)?))
    }) else {
        ui.label(RichText::new("Click a feature on the map to see its properties.").weak());
        return false;
    };
    let mut clear = false;
    ui.horizontal(|ui| {
        ui.label(RichText::new(feature.label(r.index)).size(17.0).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("Deselect").clicked() {
                clear = true;
            }
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
        });
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
        .show(ui, |ui| match feature.object().get("properties") {
            Some(Value::Object(props)) if !props.is_empty() => {
                egui::Grid::new(("props", r.layer, r.index))
                    .num_columns(2)
                    .striped(true)
                    .min_col_width(70.0)
                    .show(ui, |ui| {
                        for (key, value) in props {
                            ui.label(RichText::new(key).strong());
                            value_ui(ui, key, value);
                            ui.end_row();
                        }
                    });
            }
            Some(Value::Object(_)) => {
                ui.label(RichText::new("No properties.").weak());
            }
            _ => {
                ui.label(RichText::new("properties: null").weak());
            }
        });
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

/// One value: scalars inline, arrays and objects as collapsible trees.
fn value_ui(ui: &mut egui::Ui, key: &str, value: &Value) {
    match value {
        Value::Null => {
            ui.label(RichText::new("null").italics().weak());
        }
        Value::Bool(b) => {
            ui.label(b.to_string());
        }
        Value::Number(n) => {
            ui.label(RichText::new(n.to_string()).monospace());
        }
        Value::String(s) => {
            ui.add(egui::Label::new(s.as_str()).wrap());
        }
        Value::Array(items) if items.iter().all(is_scalar) => {
            let text = items.iter().map(scalar_text).collect::<Vec<_>>().join(", ");
            ui.add(
                egui::Label::new(if text.is_empty() {
                    "[ ]".to_owned()
                } else {
                    text
                })
                .wrap(),
            );
        }
        Value::Array(items) => {
            ui.vertical(|ui| {
                let count = match items.len() {
                    1 => "1 item".to_owned(),
                    n => format!("{n} items"),
                };
                egui::CollapsingHeader::new(count)
                    .id_salt(("arr", key, ui.next_auto_id()))
                    .default_open(items.len() <= 3)
                    .show(ui, |ui| {
                        for (i, item) in items.iter().enumerate() {
                            ui.horizontal_top(|ui| {
                                ui.label(RichText::new(format!("{i}.")).weak());
                                value_ui(ui, &format!("{key}[{i}]"), item);
                            });
                        }
                    });
            });
        }
        Value::Object(map) => {
            ui.vertical(|ui| {
                egui::Grid::new(("obj", key, ui.next_auto_id()))
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (k, v) in map {
                            ui.label(RichText::new(k).color(Color32::GRAY));
                            value_ui(ui, &format!("{key}.{k}"), v);
                            ui.end_row();
                        }
                    });
            });
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

//! The measure tool: pick two features or points (on the map or by typing a name, an id or
//! `LAT,LON`), see the geodesic distance with its unit and method, copy it or keep it as a
//! feature of the Measurements layer.

use egui::RichText;
use geo::Point;

use crate::measure::{self, Place};
use crate::model::{Document, FeatureRef, Layer, LayerId};
use crate::ui::command::Command;

#[derive(Default)]
pub struct MeasurePanel {
    /// While true, clicks on the map pick the measure's ends instead of selecting.
    pub picking: bool,
    from_text: String,
    to_text: String,
    pub from: Option<Place>,
    pub to: Option<Place>,
    error: Option<String>,
}

impl MeasurePanel {
    /// A click on the map while picking: snap to the feature under the pointer, else take the
    /// clicked coordinate. The first click sets "from", the second "to", a third starts over.
    pub fn pick(&mut self, doc: &Document, position: Point<f64>, feature: Option<FeatureRef>) {
        let place = feature
            .and_then(|r| {
                let f = doc.feature(r)?;
                let (point, from_centroid) = measure::representative_point(f.geometry()?)?;
                Some(Place {
                    label: f.label(r.index),
                    point,
                    from_centroid,
                    feature: Some(r),
                })
            })
            .unwrap_or_else(|| Place {
                label: format!("{:.6},{:.6}", position.y(), position.x()),
                point: position,
                from_centroid: false,
                feature: None,
            });
        if self.from.is_none() || self.to.is_some() {
            self.from_text = place.label.clone();
            self.from = Some(place);
            self.to = None;
            self.to_text.clear();
        } else {
            self.to_text = place.label.clone();
            self.to = Some(place);
        }
        self.error = None;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("Geodesic distance between two places").weak());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.toggle_value(&mut self.picking, "Pick on map")
                    .on_hover_text("Click two features or places on the map (snaps to features)");
            });
        });
        let mut submit = false;
        egui::Grid::new("measure-ends")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("From");
                let from = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.from_text)
                            .hint_text("name, id or lat,lon")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("To");
                let to = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.to_text)
                            .hint_text("name, id or lat,lon")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                ui.end_row();
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                submit |= (from.lost_focus() || to.lost_focus()) && enter;
            });
        ui.horizontal(|ui| {
            submit |= ui.button("Measure").clicked();
            if ui.button("Clear").clicked() {
                *self = Self {
                    picking: self.picking,
                    ..Self::default()
                };
            }
        });
        if submit {
            self.resolve_texts(doc);
        }
        if let Some(error) = &self.error {
            ui.add(
                egui::Label::new(RichText::new(error).color(ui.visuals().error_fg_color)).wrap(),
            );
        }
        let (Some(from), Some(to)) = (&self.from, &self.to) else {
            if self.picking {
                ui.label(
                    RichText::new(if self.from.is_none() {
                        "Click the first place on the map."
                    } else {
                        "Click the second place on the map."
                    })
                    .weak(),
                );
            }
            return;
        };
        let d = measure::distance_m(from.point, to.point);
        let bearing = measure::initial_bearing_deg(from.point, to.point);
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!(
                "{} · {}",
                measure::format_distance(d),
                measure::METHOD_SHORT
            ))
            .size(22.0)
            .strong(),
        );
        ui.label(format!("{d:.1} m · initial bearing {bearing:.1}°"));
        ui.label(RichText::new("Geodesic distance on the WGS84 ellipsoid (Karney).").weak());
        if from.from_centroid || to.from_centroid {
            ui.label(
                RichText::new("A feature that is not a point is measured from its centroid.")
                    .weak(),
            );
        }
        ui.horizontal(|ui| {
            if ui
                .button("Copy")
                .on_hover_text("Copy the result as text")
                .clicked()
            {
                ui.ctx().copy_text(format!(
                    "{} → {}: {} ({d:.1} m), initial bearing {bearing:.1}°, geodesic on the WGS84 ellipsoid",
                    from.label,
                    to.label,
                    measure::format_distance(d)
                ));
            }
            if ui
                .button("Keep")
                .on_hover_text("Keep as a line in the Measurements layer (exported with it)")
                .clicked()
            {
                commands.push(Command::KeepMeasurement(measure::measurement_feature(from, to)));
            }
        });
    }

    fn resolve_texts(&mut self, doc: &Document) {
        let layers: Vec<(LayerId, &Layer)> = doc.layers().collect();
        let mut errors = Vec::new();
        self.from = match measure::resolve(self.from_text.trim(), &layers) {
            Ok(place) => Some(place),
            Err(e) => {
                errors.push(format!("From: {e}"));
                None
            }
        };
        self.to = match measure::resolve(self.to_text.trim(), &layers) {
            Ok(place) => Some(place),
            Err(e) => {
                errors.push(format!("To: {e}"));
                None
            }
        };
        self.error = (!errors.is_empty()).then(|| errors.join("\n"));
    }
}

//! Path mode: click places (snapping to features) or type them, and see each leg and the total
//! geodesic length; copy it or keep it as a LineString with `distance_m` and `legs_m`.

use egui::RichText;

use crate::measure::{self, Place, Units};
use crate::model::Document;
use crate::render::overlay::MeasureDrawing;
use crate::ui::command::Command;
use crate::ui::measure::{
    copyable, error_ui, method_note_ui, place_field, point_bits, resolve_text, result_ui,
};

/// The path being measured.
#[derive(Default)]
pub struct PathTool {
    /// The places in order.
    pub places: Vec<Place>,
    add_text: String,
    error: Option<String>,
}

impl PathTool {
    /// Add a place at the end of the path.
    pub fn add(&mut self, place: Place) {
        self.places.push(place);
        self.error = None;
    }

    pub(crate) fn drawing_key(&self) -> Vec<u64> {
        point_bits(self.places.iter().map(|p| &p.point))
    }

    pub(crate) fn drawing(&self, units: Units) -> MeasureDrawing {
        let mut d = MeasureDrawing::default();
        let points: Vec<_> = self.places.iter().map(|p| p.point).collect();
        d.markers.extend(&points);
        let length = measure::path_length(&points);
        for (pair, leg_m) in points.windows(2).zip(&length.legs_m) {
            let mut leg = measure::geodesic_path(pair[0], pair[1], 64);
            measure::unroll_longitudes(&mut leg);
            let mid = leg[leg.len() / 2];
            d.line(leg, false);
            if points.len() > 2 {
                d.labels.push((mid, units.format_length(*leg_m)));
            }
        }
        if let Some(last) = points.last()
            && points.len() >= 2
        {
            d.labels.push((
                *last,
                format!(
                    "total {} · {}",
                    units.format_length(length.total_m),
                    measure::METHOD_SHORT
                ),
            ));
        }
        d
    }

    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        units: Units,
        picking: bool,
        commands: &mut Vec<Command>,
    ) {
        self.entry_ui(ui, doc);
        if self.places.len() < 2 {
            let hint = if picking {
                if self.places.is_empty() {
                    "Click the first place on the map."
                } else {
                    "Click the next place on the map."
                }
            } else {
                "Turn on Pick on map and click places, or type them above."
            };
            ui.label(RichText::new(hint).weak());
        }
        if self.places.is_empty() {
            return;
        }
        let points: Vec<_> = self.places.iter().map(|p| p.point).collect();
        let length = measure::path_length(&points);
        self.legs_ui(ui, &length, units);
        if self.places.len() < 2 {
            return;
        }
        ui.add_space(4.0);
        result_ui(ui, format!("Total {}", units.format_length(length.total_m)));
        ui.label(format!(
            "{} legs · {:.1} m in all",
            length.legs_m.len(),
            length.total_m
        ));
        method_note_ui(ui, self.places.iter().any(|p| p.from_centroid));
        ui.horizontal(|ui| {
            if ui
                .button("Copy")
                .on_hover_text("Copy the legs and the total as text")
                .clicked()
            {
                ui.ctx().copy_text(self.as_text(units));
            }
            if ui
                .button("Keep")
                .on_hover_text(
                    "Keep as a line with distance_m and legs_m in the Measurements layer",
                )
                .clicked()
                && let Some(feature) = measure::path_feature(&self.places)
            {
                commands.push(Command::KeepMeasurement(feature));
            }
        });
    }

    /// The place field with Add, Undo last and Clear; a typed place resolved and added.
    fn entry_ui(&mut self, ui: &mut egui::Ui, doc: &Document) {
        let mut submit = place_field(ui, "Add", &mut self.add_text);
        ui.horizontal(|ui| {
            submit |= ui
                .button("Add place")
                .on_hover_text("Add the typed place at the end of the path")
                .clicked();
            if ui
                .add_enabled(!self.places.is_empty(), egui::Button::new("Undo last"))
                .clicked()
            {
                self.places.pop();
            }
            if ui.button("Clear").clicked() {
                *self = Self::default();
            }
        });
        if submit && !self.add_text.trim().is_empty() {
            match resolve_text(doc, &self.add_text) {
                Ok(place) => {
                    self.add(place);
                    self.add_text.clear();
                }
                Err(e) => self.error = Some(e),
            }
        }
        if let Some(error) = &self.error {
            error_ui(ui, error);
        }
    }

    /// Each place with its leg and the distance so far.
    fn legs_ui(&self, ui: &mut egui::Ui, length: &measure::PathLength, units: Units) {
        egui::ScrollArea::vertical()
            .id_salt("path-legs")
            .max_height(220.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                egui::Grid::new("path-legs-grid")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label(RichText::new("Place").weak());
                        ui.label(RichText::new("Leg").weak());
                        ui.label(RichText::new("So far").weak());
                        ui.end_row();
                        let mut so_far_m = 0.0;
                        for (i, place) in self.places.iter().enumerate() {
                            ui.label(format!("{}. {}", i + 1, place.label));
                            if i == 0 {
                                ui.label("start");
                                ui.label("");
                            } else {
                                let leg_m = length.legs_m[i - 1];
                                so_far_m += leg_m;
                                copyable(ui, units.format_length(leg_m), format!("{leg_m:.3} m"));
                                copyable(
                                    ui,
                                    units.format_length(so_far_m),
                                    format!("{so_far_m:.3} m"),
                                );
                            }
                            ui.end_row();
                        }
                    });
            });
    }

    /// The path as lines of text: each leg, then the total, with units and method.
    pub fn as_text(&self, units: Units) -> String {
        let points: Vec<_> = self.places.iter().map(|p| p.point).collect();
        let length = measure::path_length(&points);
        let mut out = String::new();
        for (i, (pair, leg_m)) in self.places.windows(2).zip(&length.legs_m).enumerate() {
            out.push_str(&format!(
                "leg {}: {} → {}: {} ({leg_m:.3} m)\n",
                i + 1,
                pair[0].label,
                pair[1].label,
                units.format_length(*leg_m)
            ));
        }
        out.push_str(&format!(
            "total: {} ({:.3} m), geodesic on the WGS84 ellipsoid\n",
            units.format_length(length.total_m),
            length.total_m
        ));
        out
    }
}

//! Rings mode: geodesic circles of typed radii ("1, 5, 10 km") around a place, with how many
//! features lie within each; keep them as closed lines with `radius_m`.

use egui::RichText;

use crate::measure::{self, Place, RING_STEPS, Units};
use crate::model::{Document, LayerId};
use crate::render::overlay::MeasureDrawing;
use crate::ui::command::Command;
use crate::ui::measure::memo::Memo;
use crate::ui::measure::table::{CachedTargets, LayerFilter, Origin};
use crate::ui::measure::{copyable, error_ui, method_note_ui};

type CountKey = (Vec<u64>, u64, Vec<(LayerId, bool)>, Vec<u64>);

/// The rings tool.
pub struct RingsTool {
    pub center: Origin,
    pub radii_text: String,
    /// The radii in metres, as last read from `radii_text`.
    pub radii_m: Vec<f64>,
    radii_error: Option<String>,
    pub filter: LayerFilter,
    /// Features within each radius (the centre feature left out).
    counts: Memo<CountKey, Vec<usize>>,
    /// Set when the centre was picked on the map, so the next frame shows the rings whole.
    center_changed: bool,
}

impl Default for RingsTool {
    fn default() -> Self {
        Self {
            center: Origin::default(),
            radii_text: "1, 5, 10 km".to_owned(),
            radii_m: Vec::new(),
            radii_error: None,
            filter: LayerFilter::default(),
            counts: Memo::default(),
            center_changed: false,
        }
    }
}

impl RingsTool {
    pub fn set_center(&mut self, place: Place) {
        self.center.set(place);
        self.center_changed = true;
    }

    /// The lon/lat box around the largest ring, if there are rings.
    pub fn extent(&self) -> Option<geo::Rect<f64>> {
        use geo::BoundingRect;
        let center = self.center.place.as_ref()?;
        let radius_m = self.radii_m.iter().copied().reduce(f64::max)?;
        measure::geodesic_ring(center.point, radius_m, 64).bounding_rect()
    }

    /// Read the radii; `units` gives the unit of numbers typed without one.
    pub fn read_radii(&mut self, units: Units) {
        match measure::parse_lengths(&self.radii_text, units) {
            Ok(radii) => {
                self.radii_m = radii;
                self.radii_error = None;
            }
            Err(e) => self.radii_error = Some(format!("Radii: {e}")),
        }
    }

    pub(crate) fn drawing_key(&self) -> Vec<u64> {
        let mut key = self.center.key();
        key.extend(self.radii_m.iter().map(|r| r.to_bits()));
        key
    }

    pub(crate) fn drawing(&self, units: Units) -> MeasureDrawing {
        let mut d = MeasureDrawing::default();
        let Some(center) = &self.center.place else {
            return d;
        };
        d.markers.push(center.point);
        for radius_m in &self.radii_m {
            let ring = measure::geodesic_ring(center.point, *radius_m, RING_STEPS);
            let points: Vec<_> = ring.points().collect();
            // The label sits on the ring's northernmost vertex (the first one).
            if let Some(north) = points.first() {
                d.labels
                    .push((*north, format!("r = {}", units.format_length(*radius_m))));
            }
            d.line(points, false);
        }
        d
    }

    /// The radii field; whether Enter was pressed in it.
    fn radii_field_ui(&mut self, ui: &mut egui::Ui, units: Units) -> bool {
        let mut read = false;
        ui.horizontal(|ui| {
            let label = ui.label("Radii");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.radii_text)
                        .hint_text("e.g. 1, 5, 10 km")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id)
                .on_hover_text(format!(
                    "Lengths separated by commas; a unit (m, km, mi, nmi, ft) applies to the numbers before it; numbers without one are in {}",
                    units.long_unit()
                ));
            read = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        });
        read
    }

    /// How many features lie within each ring (measured again only when the centre, the
    /// targets, the filter or the radii change).
    fn ring_counts(
        &mut self,
        doc: &Document,
        cached: &CachedTargets,
        center: &Place,
    ) -> Vec<usize> {
        let filter = self.filter.effective(doc);
        let radii = self.radii_m.clone();
        let key: CountKey = (
            self.center.key(),
            cached.generation,
            filter.clone(),
            radii.iter().map(|r| r.to_bits()).collect(),
        );
        self.counts
            .get(key, || {
                let on = |t: &measure::Target| {
                    filter.iter().any(|(id, on)| *on && *id == t.feature.layer)
                };
                let rows =
                    measure::one_to_all(center.point, &cached.targets.targets, center.feature, on);
                radii
                    .iter()
                    .map(|r| rows.iter().filter(|row| row.distance_m <= *r).count())
                    .collect()
            })
            .clone()
    }

    /// Copy the rings and their counts; keep each ring as a measurement.
    fn actions_ui(
        &self,
        ui: &mut egui::Ui,
        center: &Place,
        counts: &[usize],
        units: Units,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            if ui
                .button("Copy")
                .on_hover_text("Copy the rings and their counts as text")
                .clicked()
            {
                let text: String = self
                    .radii_m
                    .iter()
                    .zip(counts)
                    .map(|(r, n)| {
                        format!(
                            "{}: r = {} ({r:.3} m), {n} features within (geodesic, WGS84)\n",
                            center.label,
                            units.format_length(*r)
                        )
                    })
                    .collect();
                ui.ctx().copy_text(text);
            }
            if ui
                .add_enabled(!self.radii_m.is_empty(), egui::Button::new("Keep"))
                .on_hover_text(
                    "Keep each ring as a closed line with radius_m in the Measurements layer",
                )
                .clicked()
            {
                for radius_m in &self.radii_m {
                    commands.push(Command::KeepMeasurement(measure::ring_feature(
                        center, *radius_m,
                    )));
                }
            }
        });
    }

    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        cached: &CachedTargets,
        units: Units,
        picking: bool,
        commands: &mut Vec<Command>,
    ) {
        let had_center = self.center.place.is_some();
        let before = self.drawing_key();
        self.center.ui(ui, doc, "Centre", "Draw rings");
        let read = self.radii_field_ui(ui, units);
        // Read the radii when asked, and when a centre first appears.
        let new_center = !had_center && self.center.place.is_some();
        if read || new_center || (self.radii_m.is_empty() && self.radii_error.is_none()) {
            self.read_radii(units);
        }
        // New rings (another centre or other radii): show them whole.
        if self.drawing_key() != before || self.center_changed {
            if let Some(area) = self.extent() {
                commands.push(Command::ZoomTo(area));
            }
            self.center_changed = false;
        }
        self.filter.ui(ui, doc);
        if let Some(error) = &self.radii_error {
            error_ui(ui, error);
        }
        let Some(center) = self.center.place.clone() else {
            let hint = if picking {
                "Click the centre on the map, or type it above."
            } else {
                "Type the centre above, or turn on Pick on map and click it."
            };
            ui.label(RichText::new(hint).weak());
            return;
        };
        let counts = self.ring_counts(doc, cached, &center);
        egui::Grid::new("rings-grid")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (radius_m, count) in self.radii_m.iter().zip(&counts) {
                    copyable(
                        ui,
                        format!("r = {}", units.format_length(*radius_m)),
                        format!("{radius_m:.3} m"),
                    );
                    ui.label(match count {
                        1 => "1 feature within".to_owned(),
                        n => format!("{n} features within"),
                    });
                    ui.end_row();
                }
            });
        method_note_ui(ui, center.from_centroid);
        self.actions_ui(ui, &center, &counts, units, commands);
    }
}

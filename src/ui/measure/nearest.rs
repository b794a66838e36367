//! Nearest mode: the N features nearest to a place (typed, or clicked on the map), by geodesic
//! distance through the R-tree in [`crate::measure::NearestIndex`], drawn as lines from the
//! place; copy them or keep them as lines.

use egui::RichText;

use crate::measure::table::{Row, Target, to_delimited};
use crate::measure::{self, Place, Units};
use crate::model::{Document, LayerId};
use crate::render::overlay::MeasureDrawing;
use crate::ui::command::Command;
use crate::ui::measure::table::{CachedTargets, LayerFilter, Origin, bearing_text};
use crate::ui::measure::{copyable, method_note_ui, point_bits};

type NearestKey = (Vec<u64>, u64, Vec<(LayerId, bool)>, usize);

/// The nearest-N tool.
pub struct NearestTool {
    pub origin: Origin,
    pub filter: LayerFilter,
    /// How many to list.
    pub count: usize,
    rows: crate::ui::measure::memo::Memo<NearestKey, Vec<Row>>,
    /// The listed targets as places, for drawing and keeping.
    listed: Vec<(Place, f64)>,
}

impl Default for NearestTool {
    fn default() -> Self {
        Self {
            origin: Origin::default(),
            filter: LayerFilter::default(),
            count: 5,
            rows: Default::default(),
            listed: Vec::new(),
        }
    }
}

impl NearestTool {
    pub fn set_origin(&mut self, place: Place) {
        self.origin.set(place);
    }

    pub(crate) fn drawing_key(&self) -> Vec<u64> {
        let mut key = self.origin.key();
        key.extend(point_bits(self.listed.iter().map(|(p, _)| &p.point)));
        key
    }

    pub(crate) fn drawing(&self, units: Units) -> MeasureDrawing {
        let mut d = MeasureDrawing::default();
        let Some(origin) = &self.origin.place else {
            return d;
        };
        d.markers.push(origin.point);
        for (i, (place, distance_m)) in self.listed.iter().enumerate() {
            let mut line = measure::geodesic_path(origin.point, place.point, 32);
            measure::unroll_longitudes(&mut line);
            d.line(line, true);
            d.markers.push(place.point);
            d.labels.push((
                place.point,
                format!("{}. {}", i + 1, units.format_length(*distance_m)),
            ));
        }
        d
    }

    /// The nearest features to `origin` in the chosen layers (found again only when the place,
    /// the targets, the filter or the count change).
    fn nearest_rows(&mut self, doc: &Document, cached: &CachedTargets, origin: &Place) -> Vec<Row> {
        let filter = self.filter.effective(doc);
        let key: NearestKey = (
            self.origin.key(),
            cached.generation,
            filter.clone(),
            self.count,
        );
        let targets = &cached.targets.targets;
        let count = self.count;
        self.rows
            .get(key, || {
                let on = |t: &measure::Target| {
                    filter.iter().any(|(id, on)| *on && *id == t.feature.layer)
                };
                match &cached.index {
                    Some(index) => index.nearest(origin.point, count, targets, origin.feature, on),
                    None => Vec::new(),
                }
            })
            .clone()
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
        self.origin.ui(ui, doc, "From", "Find nearest");
        ui.horizontal(|ui| {
            let label = ui.label("How many");
            ui.add(egui::DragValue::new(&mut self.count).range(1..=100))
                .labelled_by(label.id);
        });
        self.filter.ui(ui, doc);
        let Some(origin) = self.origin.place.clone() else {
            self.listed.clear();
            let hint = if picking {
                "Click a place on the map, or type one above."
            } else {
                "Type a place above, or turn on Pick on map and click one."
            };
            ui.label(RichText::new(hint).weak());
            return;
        };
        let rows = self.nearest_rows(doc, cached, &origin);
        let targets = &cached.targets.targets;
        let before = point_bits(self.listed.iter().map(|(p, _)| &p.point));
        self.listed = rows
            .iter()
            .filter_map(|r| {
                let t = targets.get(r.target)?;
                Some((
                    Place {
                        label: t.label.clone(),
                        point: t.point,
                        from_centroid: t.from_centroid,
                        feature: Some(t.feature),
                    },
                    r.distance_m,
                ))
            })
            .collect();
        // New results: show the place and all of them.
        if point_bits(self.listed.iter().map(|(p, _)| &p.point)) != before
            && let Some(area) = extent(&origin, &self.listed)
        {
            commands.push(Command::ZoomTo(area));
        }
        if rows.is_empty() {
            ui.label(RichText::new("No features in the chosen layers.").weak());
            return;
        }
        rows_ui(ui, &rows, targets, units);
        method_note_ui(
            ui,
            origin.from_centroid || self.listed.iter().any(|(p, _)| p.from_centroid),
        );
        ui.horizontal(|ui| {
            if ui
                .button("Copy")
                .on_hover_text("Copy the list as tab-separated values")
                .clicked()
            {
                ui.ctx()
                    .copy_text(to_delimited(&rows, targets, units, '\t'));
            }
            if ui
                .button("Keep")
                .on_hover_text("Keep a line to each of them in the Measurements layer")
                .clicked()
            {
                for (rank, (place, _)) in self.listed.iter().enumerate() {
                    let mut feature = measure::measurement_feature(&origin, place);
                    feature.set_property("rank", serde_json::json!(rank + 1));
                    commands.push(Command::KeepMeasurement(feature));
                }
            }
        });
    }
}

/// The list: rank, feature, distance and bearing, each copyable.
fn rows_ui(ui: &mut egui::Ui, rows: &[Row], targets: &[Target], units: Units) {
    // Both ways: on a narrow panel the bearing column scrolls into view rather than
    // being cut off.
    egui::ScrollArea::both()
        .id_salt("nearest-list")
        .max_height(ui.available_height() - 90.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("nearest-grid")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    for (i, r) in rows.iter().enumerate() {
                        let Some(t) = targets.get(r.target) else {
                            continue;
                        };
                        ui.label(format!("{}.", i + 1));
                        ui.label(&t.label).on_hover_text(&t.layer_name);
                        copyable(
                            ui,
                            units.format_length(r.distance_m),
                            format!("{:.3} m", r.distance_m),
                        );
                        copyable(
                            ui,
                            bearing_text(r.distance_m, r.bearing_deg),
                            format!("{:.4}°", r.bearing_deg),
                        );
                        ui.end_row();
                    }
                });
        });
}

/// The lon/lat box around the origin and the listed places.
fn extent(origin: &Place, listed: &[(Place, f64)]) -> Option<geo::Rect<f64>> {
    use geo::BoundingRect;
    let points: geo::MultiPoint<f64> = std::iter::once(origin.point)
        .chain(listed.iter().map(|(p, _)| p.point))
        .collect();
    points.bounding_rect()
}

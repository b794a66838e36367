//! One-to-all mode: a sortable, filterable table of the geodesic distance and initial bearing
//! from one place to every feature, copyable as CSV or TSV. Also the pieces the Nearest and
//! Rings modes share with it: the origin field, the layer filter and the cached targets.
//!
//! Nothing is measured per frame: the targets are collected once per set of layers
//! ([`TargetsCache`]), the distances once per origin and filter, and the order once per sort
//! column ([`Memo`]); a frame only lays out the rows that are on screen.

use std::collections::BTreeMap;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::measure::table::{Row, SortKey, Target, Targets, to_delimited};
use crate::measure::{self, NearestIndex, Place, Units};
use crate::model::{Document, LayerId, LayerKind};
use crate::render::overlay::{DrawnLine, MeasureDrawing, PICKED};
use crate::ui::command::Command;
use crate::ui::measure::memo::Memo;
use crate::ui::measure::{error_ui, place_field, point_bits, resolve_text};

/// What the targets are made from: each open layer, in order, at its revision (a target's
/// point moves with a geometry edit, its label with a property edit). Pinned pictures and
/// anything else outside the layers leave it as it is.
fn layers_key(doc: &Document) -> Vec<(LayerId, Option<u64>)> {
    doc.layers()
        .map(|(id, _)| (id, doc.layer_revision(id)))
        .collect()
}

/// The targets of the open layers and their nearest-neighbour index.
#[derive(Default)]
pub struct CachedTargets {
    pub targets: Targets,
    pub index: Option<NearestIndex>,
    /// Changes whenever the targets are rebuilt, so results computed from them are redone.
    pub generation: u64,
}

/// [`CachedTargets`], rebuilt only when the layers change.
#[derive(Default)]
pub(crate) struct TargetsCache {
    key: Option<Vec<(LayerId, Option<u64>)>>,
    cached: CachedTargets,
}

impl TargetsCache {
    pub(crate) fn get(&mut self, doc: &Document) -> &CachedTargets {
        let key = layers_key(doc);
        if self.key.as_ref() != Some(&key) {
            let layers: Vec<_> = doc.layers().collect();
            let targets = Targets::collect(&layers);
            let index = NearestIndex::build(&targets.targets);
            self.cached = CachedTargets {
                targets,
                index: Some(index),
                generation: self.cached.generation + 1,
            };
            self.key = Some(key);
        }
        &self.cached
    }
}

/// Which layers to measure to. A layer the user has not chosen for is on if it holds data and
/// off if it holds kept measurements.
#[derive(Debug, Default, Clone)]
pub struct LayerFilter {
    chosen: BTreeMap<LayerId, bool>,
}

impl LayerFilter {
    /// Whether each open layer is on, in document order.
    pub fn effective(&self, doc: &Document) -> Vec<(LayerId, bool)> {
        doc.layers()
            .map(|(id, layer)| {
                let default = layer.kind == LayerKind::Data;
                (id, self.chosen.get(&id).copied().unwrap_or(default))
            })
            .collect()
    }

    /// One checkbox per layer.
    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &Document) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Layers");
            for ((id, mut on), (_, layer)) in self.effective(doc).into_iter().zip(doc.layers()) {
                if ui
                    .checkbox(&mut on, layer.name.as_str())
                    .on_hover_text("Measure to this layer's features")
                    .changed()
                {
                    self.chosen.insert(id, on);
                }
            }
        });
    }
}

/// A typed or picked place to measure from.
#[derive(Default)]
pub struct Origin {
    pub text: String,
    pub place: Option<Place>,
    pub error: Option<String>,
}

impl Origin {
    pub fn set(&mut self, place: Place) {
        self.text = place.label.clone();
        self.place = Some(place);
        self.error = None;
    }

    /// The field and its button; resolves the text when asked.
    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &Document, field: &str, button: &str) {
        let mut submit = place_field(ui, field, &mut self.text);
        ui.horizontal(|ui| {
            submit |= ui.button(button).clicked();
            if ui.button("Clear").clicked() {
                *self = Self::default();
            }
        });
        if submit {
            match resolve_text(doc, &self.text) {
                Ok(place) => self.set(place),
                Err(e) => {
                    self.place = None;
                    self.error = Some(e);
                }
            }
        }
        if let Some(error) = &self.error {
            error_ui(ui, error);
        }
    }

    /// Bits identifying the origin, for cache keys.
    pub fn key(&self) -> Vec<u64> {
        let mut key = point_bits(self.place.iter().map(|p| &p.point));
        if let Some(r) = self.place.as_ref().and_then(|p| p.feature) {
            key.extend([r.layer.0, r.index as u64]);
        }
        key
    }
}

type RowsKey = (Vec<u64>, u64, Vec<(LayerId, bool)>);

/// The one-to-all table.
pub struct TableTool {
    pub origin: Origin,
    pub filter: LayerFilter,
    pub sort: SortKey,
    pub descending: bool,
    /// Distances from the origin, nearest first.
    rows: Memo<RowsKey, Vec<Row>>,
    /// The same rows in the chosen order.
    sorted: Memo<(RowsKey, SortKey, bool), Vec<Row>>,
    /// The target whose line is highlighted on the map.
    pub picked: Option<usize>,
    /// How long the last measuring of every target took, in milliseconds.
    pub last_measure_ms: f64,
    /// The picked target's point, for drawing.
    picked_point: Option<geo::Point<f64>>,
}

impl Default for TableTool {
    fn default() -> Self {
        Self {
            origin: Origin::default(),
            filter: LayerFilter::default(),
            sort: SortKey::Distance,
            descending: false,
            rows: Memo::default(),
            sorted: Memo::default(),
            picked: None,
            last_measure_ms: 0.0,
            picked_point: None,
        }
    }
}

impl TableTool {
    pub fn set_origin(&mut self, place: Place) {
        self.origin.set(place);
        self.picked = None;
        self.picked_point = None;
    }

    /// The rows in the chosen order, measuring again only if the origin, the layers or the
    /// filter changed, and sorting again only if that or the order changed.
    pub fn rows(&mut self, doc: &Document, cached: &CachedTargets) -> &[Row] {
        let Some(origin) = &self.origin.place else {
            return &[];
        };
        let filter = self.filter.effective(doc);
        let key: RowsKey = (self.origin.key(), cached.generation, filter.clone());
        let mut measured_ms = None;
        let rows = self.rows.get(key.clone(), || {
            let started = std::time::Instant::now();
            let on =
                |t: &measure::Target| filter.iter().any(|(id, on)| *on && *id == t.feature.layer);
            let rows =
                measure::one_to_all(origin.point, &cached.targets.targets, origin.feature, on);
            measured_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
            rows
        });
        if let Some(ms) = measured_ms {
            self.last_measure_ms = ms;
        }
        let (sort, descending) = (self.sort, self.descending);
        self.sorted.get((key, sort, descending), || {
            let mut sorted = rows.clone();
            if (sort, descending) != (SortKey::Distance, false) {
                measure::sort_rows(&mut sorted, &cached.targets.targets, sort, descending);
            }
            sorted
        })
    }

    pub(crate) fn drawing_key(&self) -> Vec<u64> {
        let mut key = self.origin.key();
        key.extend(point_bits(self.picked_point.iter()));
        key
    }

    pub(crate) fn drawing(&self, units: Units) -> MeasureDrawing {
        let mut d = MeasureDrawing::default();
        let Some(origin) = &self.origin.place else {
            return d;
        };
        d.markers.push(origin.point);
        if let Some(to) = self.picked_point {
            let mut line = measure::geodesic_path(origin.point, to, 64);
            measure::unroll_longitudes(&mut line);
            let mid = line[line.len() / 2];
            d.lines.push(DrawnLine {
                points: line,
                dashed: false,
                color: PICKED,
                width: 3.0,
            });
            d.markers.push(to);
            d.labels.push((
                mid,
                format!(
                    "{} · {}",
                    units.format_length(measure::distance_m(origin.point, to)),
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
        cached: &CachedTargets,
        units: Units,
        picking: bool,
        commands: &mut Vec<Command>,
    ) {
        self.origin.ui(ui, doc, "From", "Measure to all");
        self.filter.ui(ui, doc);
        if self.origin.place.is_none() {
            let hint = if picking {
                "Click a place on the map, or type one above."
            } else {
                "Type a place above, or turn on Pick on map and click one."
            };
            ui.label(RichText::new(hint).weak());
            return;
        }
        let rows = self.rows(doc, cached).to_vec();
        let targets = &cached.targets.targets;
        self.summary_ui(ui, rows.len(), cached);
        copy_buttons_ui(ui, &rows, targets, units);
        let (clicked_row, new_sort) = self.table_ui(ui, &rows, targets, units, commands);
        if let Some(key) = new_sort {
            if self.sort == key {
                self.descending = !self.descending;
            } else {
                self.sort = key;
                self.descending = false;
            }
        }
        if let Some(r) = clicked_row {
            self.picked = Some(r.target);
            self.picked_point = targets.get(r.target).map(|t| t.point);
        }
    }

    /// How many features were measured (how long it took on hover) and how many were left out.
    fn summary_ui(&self, ui: &mut egui::Ui, count: usize, cached: &CachedTargets) {
        let skipped = cached.targets.without_geometry.len();
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{} features · geodesic (WGS84)",
                count
            ))
            .on_hover_text(format!(
                "Measured in {:.1} ms; measured again only when the place, the layers or the filter change",
                self.last_measure_ms
            ));
            if skipped > 0 {
                ui.label(
                    RichText::new(format!("· {skipped} without geometry left out")).weak(),
                )
                .on_hover_text(
                    cached
                        .targets
                        .without_geometry
                        .iter()
                        .map(|u| format!("{} ({})", u.label, u.layer_name))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
        });
    }

    /// The sortable table of features, distances and bearings: the row clicked, the column
    /// header clicked; "Keep this distance" in a row's menu pushes a command.
    fn table_ui(
        &self,
        ui: &mut egui::Ui,
        rows: &[Row],
        targets: &[Target],
        units: Units,
        commands: &mut Vec<Command>,
    ) -> (Option<Row>, Option<SortKey>) {
        let origin = self.origin.place.clone();
        let mut clicked_row = None;
        let mut new_sort = None;
        let header = |ui: &mut egui::Ui, name: &str, key: SortKey, this: &Self| {
            let arrow = match (this.sort == key, this.descending) {
                (true, false) => " ˄",
                (true, true) => " ˅",
                (false, _) => "",
            };
            if ui
                .button(RichText::new(format!("{name}{arrow}")).strong())
                .on_hover_text("Sort by this column (click again to reverse)")
                .clicked()
            {
                Some(key)
            } else {
                None
            }
        };
        let available = ui.available_height();
        TableBuilder::new(ui)
            .id_salt("one-to-all")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::remainder().at_least(110.0).clip(true))
            .column(Column::initial(72.0).at_least(40.0).clip(true))
            .column(Column::auto().at_least(62.0))
            .column(Column::auto().at_least(46.0))
            .min_scrolled_height(0.0)
            .max_scroll_height(available.max(120.0))
            .header(22.0, |mut header_row| {
                header_row
                    .col(|ui| new_sort = new_sort.or(header(ui, "Feature", SortKey::Label, self)));
                header_row
                    .col(|ui| new_sort = new_sort.or(header(ui, "Layer", SortKey::Layer, self)));
                header_row.col(|ui| {
                    new_sort = new_sort.or(header(ui, "Distance", SortKey::Distance, self))
                });
                header_row.col(|ui| {
                    new_sort = new_sort.or(header(ui, "Bearing", SortKey::Bearing, self))
                });
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let r = rows[row.index()];
                    let Some(t) = targets.get(r.target) else {
                        return;
                    };
                    row.set_selected(self.picked == Some(r.target));
                    row.col(|ui| {
                        let hover = if t.from_centroid {
                            format!("{} (not a point: measured from its centroid)", t.label)
                        } else {
                            t.label.clone()
                        };
                        cell(ui, &t.label).on_hover_text(hover);
                    });
                    row.col(|ui| {
                        cell(ui, &t.layer_name).on_hover_text(&t.layer_name);
                    });
                    row.col(|ui| {
                        cell(ui, &units.format_length(r.distance_m));
                    });
                    row.col(|ui| {
                        cell(ui, &bearing_text(r.distance_m, r.bearing_deg));
                    });
                    let response = row.response();
                    if response.clicked() {
                        clicked_row = Some(r);
                    }
                    response.context_menu(|ui| {
                        row_menu_ui(ui, r, t, targets, units, origin.as_ref(), commands);
                    });
                });
            });
        (clicked_row, new_sort)
    }
}

/// A bearing for the table: none for a place at the origin itself, where it means nothing.
pub(crate) fn bearing_text(distance_m: f64, bearing_deg: f64) -> String {
    if distance_m == 0.0 {
        "–".to_owned()
    } else {
        format!("{bearing_deg:.1}°")
    }
}

/// A row's context menu: copy its distance or the row, keep the distance as a measurement.
fn row_menu_ui(
    ui: &mut egui::Ui,
    r: Row,
    t: &Target,
    targets: &[Target],
    units: Units,
    origin: Option<&Place>,
    commands: &mut Vec<Command>,
) {
    if ui.button("Copy distance (m)").clicked() {
        ui.ctx().copy_text(format!("{:.3}", r.distance_m));
        ui.close();
    }
    if ui.button("Copy row").clicked() {
        ui.ctx().copy_text(to_delimited(&[r], targets, units, '\t'));
        ui.close();
    }
    if ui.button("Keep this distance").clicked() {
        if let Some(origin) = origin {
            let to = Place {
                label: t.label.clone(),
                point: t.point,
                from_centroid: t.from_centroid,
                feature: Some(t.feature),
            };
            commands.push(Command::KeepMeasurement(measure::measurement_feature(
                origin, &to,
            )));
        }
        ui.close();
    }
}

/// Copy the table as CSV or TSV.
fn copy_buttons_ui(ui: &mut egui::Ui, rows: &[Row], targets: &[Target], units: Units) {
    ui.horizontal(|ui| {
        if ui
            .button("Copy CSV")
            .on_hover_text("Copy the table, in this order, as comma-separated values")
            .clicked()
        {
            ui.ctx().copy_text(to_delimited(rows, targets, units, ','));
        }
        if ui
            .button("Copy TSV")
            .on_hover_text("Copy the table as tab-separated values (pastes into spreadsheets)")
            .clicked()
        {
            ui.ctx().copy_text(to_delimited(rows, targets, units, '\t'));
        }
    });
}

/// A table cell's text. Not selectable, so a click anywhere on the row picks the row.
fn cell(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(text).selectable(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FeatureRef, Picture};

    fn two_sites() -> (Document, LayerId) {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[104.9,11.5]}},
            {"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Point","coordinates":[103.5,10.6]}}]}"#;
        let mut doc = Document::new();
        let id = doc.add_layer(crate::io::read_str(text, "sites.geojson").expect("valid"));
        (doc, id)
    }

    #[test]
    fn targets_are_made_again_when_a_layer_changes_and_only_then() {
        let (mut doc, id) = two_sites();
        let mut cache = TargetsCache::default();
        let first = cache.get(&doc).generation;
        assert_eq!(cache.get(&doc).generation, first, "nothing changed");
        // A pinned picture moves the document's revision, not a layer's.
        doc.insert_picture(0, Picture::new("plan.png", "0".repeat(64), [10, 10]));
        assert_eq!(cache.get(&doc).generation, first, "a picture is no target");
        // A property edit renames a target.
        let b = FeatureRef {
            layer: id,
            index: 1,
        };
        if let Some(f) = doc.feature_mut_same_geometry(b) {
            f.set_property("name", "Bokor".into());
        }
        let cached = cache.get(&doc);
        assert_eq!(cached.generation, first + 1, "a renamed feature");
        assert_eq!(cached.targets.targets[1].label, "Bokor");
        // A geometry edit moves one.
        if let Some(l) = doc.layer_mut(id) {
            l.features[1].set_geometry(Some(geo::Point::new(104.0, 11.0).into()));
        }
        let cached = cache.get(&doc);
        assert_eq!(cached.generation, first + 2, "a moved feature");
        assert_eq!(
            cached.targets.targets[1].point,
            geo::Point::new(104.0, 11.0)
        );
        assert_eq!(cache.get(&doc).generation, first + 2);
    }
}

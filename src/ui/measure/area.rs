//! Area mode: the geodesic area and perimeter of a polygon feature (typed or clicked) or of a
//! polygon drawn by clicking its corners; keep it as a polygon with `area_m2` and
//! `perimeter_m`.

use egui::RichText;
use geo::{Geometry, Point};

use crate::measure::{self, AreaMeasure, Units};
use crate::model::{Document, FeatureRef};
use crate::render::overlay::MeasureDrawing;
use crate::ui::command::Command;
use crate::ui::measure::{
    Snap, copyable, error_ui, method_note_ui, place_field, point_bits, resolve_text, result_ui,
    snapped_place,
};

/// Where the polygon comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AreaSource {
    /// Corners clicked on the map.
    #[default]
    Draw,
    /// A Polygon or MultiPolygon feature.
    Feature,
}

/// A polygon feature being measured.
#[derive(Debug, Clone)]
pub struct AreaFeature {
    pub feature: FeatureRef,
    pub label: String,
    pub geometry: Geometry<f64>,
}

/// The area tool.
#[derive(Default)]
pub struct AreaTool {
    pub source: AreaSource,
    /// Corners of the drawn polygon, in click order.
    pub corners: Vec<Point<f64>>,
    pub feature: Option<AreaFeature>,
    feature_text: String,
    error: Option<String>,
}

impl AreaTool {
    /// A click on the map: a corner when drawing (snapping to point features only), the
    /// polygon under the pointer when measuring features.
    pub fn click(&mut self, doc: &Document, position: Point<f64>, feature: Option<FeatureRef>) {
        match self.source {
            AreaSource::Draw => {
                self.corners
                    .push(snapped_place(doc, position, feature, Snap::Points).point);
                self.error = None;
            }
            AreaSource::Feature => match feature {
                Some(r) => self.set_feature(doc, r),
                None => {
                    self.error = Some("Click inside a polygon feature.".into());
                }
            },
        }
    }

    /// Measure the selected feature when nothing is measured or drawn yet and it is a
    /// polygon (anything else is left for the user to draw).
    pub fn start_from(&mut self, doc: &Document, r: FeatureRef) {
        let polygon = doc
            .feature(r)
            .and_then(|f| f.geometry())
            .is_some_and(|g| matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_)));
        if polygon && self.feature.is_none() && self.corners.is_empty() {
            self.source = AreaSource::Feature;
            self.set_feature(doc, r);
        }
    }

    fn set_feature(&mut self, doc: &Document, r: FeatureRef) {
        let Some(f) = doc.feature(r) else {
            return;
        };
        let label = f.label(r.index);
        match f.geometry() {
            Some(g) => match measure::polygon_area(g) {
                Ok(_) => {
                    self.feature_text = label.clone();
                    self.feature = Some(AreaFeature {
                        feature: r,
                        label,
                        geometry: g.clone(),
                    });
                    self.error = None;
                }
                Err(e) => self.error = Some(format!("{label}: {e}")),
            },
            None => self.error = Some(format!("{label} has no geometry.")),
        }
    }

    /// The polygon being measured and its numbers, if there is one.
    pub fn measured(&self) -> Option<(Geometry<f64>, AreaMeasure)> {
        let geometry = match self.source {
            AreaSource::Draw => Geometry::Polygon(measure::drawn_polygon(&self.corners).ok()?),
            AreaSource::Feature => self.feature.as_ref()?.geometry.clone(),
        };
        let m = measure::polygon_area(&geometry).ok()?;
        Some((geometry, m))
    }

    pub(crate) fn drawing_key(&self) -> Vec<u64> {
        let mut key = vec![self.source as u64];
        key.extend(point_bits(&self.corners));
        if let Some(f) = &self.feature {
            key.extend([f.feature.layer.0, f.feature.index as u64]);
        }
        key
    }

    pub(crate) fn drawing(&self, units: Units) -> MeasureDrawing {
        let mut d = MeasureDrawing::default();
        match self.source {
            AreaSource::Draw => {
                d.markers.extend(&self.corners);
                if self.corners.len() >= 2 {
                    let mut outline = self.corners.clone();
                    if self.corners.len() >= 3 {
                        outline.push(self.corners[0]);
                    }
                    let dense = measure::densify(&outline, 2_000.0);
                    if self.corners.len() >= 3 {
                        d.fills.push(dense.clone());
                    }
                    d.line(dense, false);
                }
            }
            AreaSource::Feature => {
                if let Some(f) = &self.feature {
                    for ring in rings(&f.geometry) {
                        let points: Vec<Point<f64>> = ring.points().collect();
                        d.lines.push(crate::render::overlay::DrawnLine {
                            points: measure::densify(&points, 2_000.0),
                            dashed: false,
                            color: crate::render::overlay::INK,
                            width: 3.0,
                        });
                    }
                }
            }
        }
        if let Some((geometry, m)) = self.measured()
            && let Some((anchor, _)) = measure::representative_point(&geometry)
        {
            d.labels.push((
                anchor,
                format!(
                    "{} · {}",
                    units.format_area(m.area_m2),
                    measure::METHOD_SHORT
                ),
            ));
        }
        d
    }

    /// Undo last and Clear for the drawn polygon, and how many corners are still needed.
    fn draw_ui(&mut self, ui: &mut egui::Ui, picking: bool) {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!self.corners.is_empty(), egui::Button::new("Undo last"))
                .clicked()
            {
                self.corners.pop();
            }
            if ui.button("Clear").clicked() {
                self.corners.clear();
                self.error = None;
            }
        });
        if self.corners.len() < 3 {
            let hint = if picking {
                format!(
                    "Click the corners on the map ({} of at least 3). Clicks snap to point features.",
                    self.corners.len()
                )
            } else {
                "Turn on Pick on map and click the corners.".to_owned()
            };
            ui.label(RichText::new(hint).weak());
        }
    }

    /// The polygon feature typed (or clicked), measured on Measure area.
    fn feature_ui(&mut self, ui: &mut egui::Ui, doc: &Document, picking: bool) {
        let mut submit = place_field(ui, "Polygon", &mut self.feature_text);
        ui.horizontal(|ui| {
            submit |= ui.button("Measure area").clicked();
            if ui.button("Clear").clicked() {
                self.feature = None;
                self.feature_text.clear();
                self.error = None;
            }
        });
        if submit {
            match resolve_text(doc, &self.feature_text) {
                Ok(place) => match place.feature {
                    Some(r) => self.set_feature(doc, r),
                    None => self.error = Some("Type the name or id of a polygon feature.".into()),
                },
                Err(e) => self.error = Some(e),
            }
        }
        if self.feature.is_none() {
            let hint = if picking {
                "Click a polygon on the map, or type its name above."
            } else {
                "Type a polygon's name above, or turn on Pick on map and click it."
            };
            ui.label(RichText::new(hint).weak());
        }
    }

    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        units: Units,
        picking: bool,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.source, AreaSource::Draw, "Draw a polygon")
                .on_hover_text("Click the corners on the map");
            ui.selectable_value(&mut self.source, AreaSource::Feature, "Polygon feature")
                .on_hover_text("Measure a Polygon or MultiPolygon of a layer");
        });
        match self.source {
            AreaSource::Draw => self.draw_ui(ui, picking),
            AreaSource::Feature => self.feature_ui(ui, doc, picking),
        }
        if let Some(error) = &self.error {
            error_ui(ui, error);
        }
        let Some((geometry, m)) = self.measured() else {
            return;
        };
        ui.add_space(4.0);
        result_ui(ui, units.format_area(m.area_m2));
        ui.horizontal(|ui| {
            ui.label("area");
            copyable(
                ui,
                format!("{:.1} m²", m.area_m2),
                format!("{:.3}", m.area_m2),
            );
        });
        ui.horizontal(|ui| {
            ui.label("perimeter");
            copyable(
                ui,
                units.format_length(m.perimeter_m),
                format!("{:.3} m", m.perimeter_m),
            );
            ui.label(format!("({:.1} m)", m.perimeter_m));
        });
        if matches!(&geometry, Geometry::Polygon(p) if !p.interiors().is_empty())
            || matches!(&geometry, Geometry::MultiPolygon(mp) if mp.0.iter().any(|p| !p.interiors().is_empty()))
        {
            ui.label(RichText::new("Holes are subtracted; the perimeter includes them.").weak());
        }
        method_note_ui(ui, false);
        let of = self.feature.as_ref().map(|f| f.label.clone());
        let of = match self.source {
            AreaSource::Feature => of,
            AreaSource::Draw => None,
        };
        ui.horizontal(|ui| {
            if ui
                .button("Copy")
                .on_hover_text("Copy the area and perimeter as text")
                .clicked()
            {
                ui.ctx().copy_text(format!(
                    "{}: area {} ({:.3} m²), perimeter {} ({:.3} m), geodesic on the WGS84 ellipsoid",
                    of.as_deref().unwrap_or("Drawn polygon"),
                    units.format_area(m.area_m2),
                    m.area_m2,
                    units.format_length(m.perimeter_m),
                    m.perimeter_m
                ));
            }
            if ui
                .button("Keep")
                .on_hover_text("Keep as a polygon with area_m2 and perimeter_m in the Measurements layer")
                .clicked()
            {
                commands.push(Command::KeepMeasurement(measure::area_feature(
                    geometry.clone(),
                    of.as_deref(),
                    m,
                )));
            }
        });
    }
}

/// Every ring of a (multi)polygon.
fn rings(geometry: &Geometry<f64>) -> Vec<&geo::LineString<f64>> {
    match geometry {
        Geometry::Polygon(p) => std::iter::once(p.exterior()).chain(p.interiors()).collect(),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .collect()
        }
        _ => Vec::new(),
    }
}

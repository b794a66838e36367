//! The measure tool: one panel with six modes (Distance, Path, One to all, Nearest, Rings,
//! Area), a units switch that applies to every number, and map picking with snapping.
//!
//! Each mode is one struct with one `ui` (`measure_path.rs`, `measure_table.rs`,
//! `measure_nearest.rs`, `measure_rings.rs`, `measure_area.rs`; the two-place distance is
//! here). The maths is in `crate::measure`; what a mode wants on the map is a
//! [`MeasureDrawing`], rebuilt only when what it shows changes. Kept measurements leave the
//! panel as [`Command::KeepMeasurement`].

pub(crate) mod area;
pub(crate) mod memo;
pub(crate) mod nearest;
pub(crate) mod path;
pub(crate) mod rings;
pub(crate) mod table;

use egui::RichText;
use geo::Point;

use crate::measure::{self, Place, Units};
use crate::model::{Document, FeatureRef, Layer, LayerId};
use crate::render::overlay::MeasureDrawing;
use crate::ui::command::Command;
use crate::ui::measure::area::AreaTool;
use crate::ui::measure::memo::Memo;
use crate::ui::measure::nearest::NearestTool;
use crate::ui::measure::path::PathTool;
use crate::ui::measure::rings::RingsTool;
use crate::ui::measure::table::{TableTool, TargetsCache};

/// What the measure tool measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Mode {
    /// Between two places.
    #[default]
    Distance,
    /// Along several places in order.
    Path,
    /// From one place to every feature: a sortable table.
    OneToAll,
    /// The nearest N features to a place.
    Nearest,
    /// Geodesic circles of given radii around a place.
    Rings,
    /// Area and perimeter of a polygon feature or a drawn polygon.
    Area,
}

impl Mode {
    pub const ALL: [Mode; 6] = [
        Mode::Distance,
        Mode::Path,
        Mode::OneToAll,
        Mode::Nearest,
        Mode::Rings,
        Mode::Area,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Distance => "Distance",
            Mode::Path => "Path",
            Mode::OneToAll => "One to all",
            Mode::Nearest => "Nearest",
            Mode::Rings => "Rings",
            Mode::Area => "Area",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Mode::Distance => "Geodesic distance between two places",
            Mode::Path => "Length of a path through several places, leg by leg",
            Mode::OneToAll => "Distance and bearing from one place to every feature",
            Mode::Nearest => "The nearest features to a place",
            Mode::Rings => "Circles of equal geodesic distance around a place",
            Mode::Area => "Area and perimeter of a polygon feature or a drawn polygon",
        }
    }
}

/// The measure panel's state.
#[derive(Default)]
pub struct MeasurePanel {
    /// While true (and the Measure tab is shown), clicks on the map go to the current mode
    /// instead of selecting features.
    pub picking: bool,
    pub mode: Mode,
    /// How every number in the panel and on the map is shown.
    pub units: Units,
    pub distance: DistanceTool,
    pub path: PathTool,
    pub table: TableTool,
    pub nearest: NearestTool,
    pub rings: RingsTool,
    pub area: AreaTool,
    /// Every feature of the open layers, ready to measure to, rebuilt when layers change.
    targets: TargetsCache,
    drawing: Memo<(Mode, Units, Vec<u64>), MeasureDrawing>,
    /// The mode and selection the panel last started from (see [`MeasurePanel::start_from`]):
    /// a new mode or selection starts an empty mode from the selection, a Clear is not undone.
    started: Option<(Mode, Option<FeatureRef>)>,
}

impl MeasurePanel {
    /// A click on the map while picking, for the current mode. Clicks snap to the feature under
    /// the pointer (see each mode for which features).
    pub fn click(&mut self, doc: &Document, position: Point<f64>, feature: Option<FeatureRef>) {
        match self.mode {
            Mode::Distance => self
                .distance
                .pick(snapped_place(doc, position, feature, Snap::Any)),
            Mode::Path => self
                .path
                .add(snapped_place(doc, position, feature, Snap::Any)),
            Mode::OneToAll => {
                self.table
                    .set_origin(snapped_place(doc, position, feature, Snap::Any))
            }
            Mode::Nearest => {
                self.nearest
                    .set_origin(snapped_place(doc, position, feature, Snap::Any))
            }
            Mode::Rings => self
                .rings
                .set_center(snapped_place(doc, position, feature, Snap::Any)),
            Mode::Area => self.area.click(doc, position, feature),
        }
    }

    /// Start the current mode from the selected feature when it has no start yet: Distance's
    /// From, Path's first place, the origin of One to all and Nearest, the centre of Rings,
    /// the polygon of Area (when the feature is one).
    pub fn start_from(&mut self, doc: &Document, selection: Option<FeatureRef>) {
        let Some(r) = selection else {
            return;
        };
        let Some(place) = feature_place(doc, r) else {
            return;
        };
        match self.mode {
            Mode::Distance if self.distance.from.is_none() => self.distance.pick(place),
            Mode::Path if self.path.places.is_empty() => self.path.add(place),
            Mode::OneToAll if self.table.origin.place.is_none() => self.table.set_origin(place),
            Mode::Nearest if self.nearest.origin.place.is_none() => self.nearest.set_origin(place),
            Mode::Rings if self.rings.center.place.is_none() => self.rings.set_center(place),
            Mode::Area => self.area.start_from(doc, r),
            _ => {}
        }
    }

    /// Kept for the two-place picking that came first: the same as [`MeasurePanel::click`] in
    /// Distance mode.
    pub fn pick(&mut self, doc: &Document, position: Point<f64>, feature: Option<FeatureRef>) {
        self.mode = Mode::Distance;
        self.click(doc, position, feature);
    }

    /// What the current mode draws on the map, rebuilt only when it changed.
    pub fn drawing(&mut self) -> &MeasureDrawing {
        let units = self.units;
        let mode = self.mode;
        let (key, build): (Vec<u64>, Box<dyn FnOnce() -> MeasureDrawing + '_>) = match mode {
            Mode::Distance => (
                self.distance.drawing_key(),
                Box::new(|| self.distance.drawing(units)),
            ),
            Mode::Path => (
                self.path.drawing_key(),
                Box::new(|| self.path.drawing(units)),
            ),
            Mode::OneToAll => (
                self.table.drawing_key(),
                Box::new(|| self.table.drawing(units)),
            ),
            Mode::Nearest => (
                self.nearest.drawing_key(),
                Box::new(|| self.nearest.drawing(units)),
            ),
            Mode::Rings => (
                self.rings.drawing_key(),
                Box::new(|| self.rings.drawing(units)),
            ),
            Mode::Area => (
                self.area.drawing_key(),
                Box::new(|| self.area.drawing(units)),
            ),
        };
        self.drawing.get((mode, units, key), build)
    }

    /// The one-to-all table as it is listed (label, distance in metres), measuring if needed.
    pub fn table_listing(&mut self, doc: &Document) -> Vec<(String, f64)> {
        let cached = self.targets.get(doc);
        self.table
            .rows(doc, cached)
            .iter()
            .filter_map(|r| {
                let t = cached.targets.targets.get(r.target)?;
                Some((t.label.clone(), r.distance_m))
            })
            .collect()
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        selection: Option<FeatureRef>,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal_wrapped(|ui| {
            for mode in Mode::ALL {
                let selected = self.mode == mode;
                if ui
                    .selectable_label(selected, mode.name())
                    .on_hover_text(mode.hint())
                    .clicked()
                    && !selected
                {
                    self.mode = mode;
                    // Choosing a mode means measuring on the map next.
                    self.picking = true;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("Units");
            for units in Units::ALL {
                ui.selectable_value(&mut self.units, units, units.name())
                    .on_hover_text("Show every distance and area in these units");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.toggle_value(&mut self.picking, "Pick on map")
                    .on_hover_text(
                        "Clicks on the map measure (snapping to features) instead of selecting",
                    );
            });
        });
        ui.label(RichText::new(self.mode.hint()).weak());
        ui.separator();
        let before = self.mode_key();
        if self.started != Some((self.mode, selection)) {
            self.started = Some((self.mode, selection));
            self.start_from(doc, selection);
        }
        self.mode_ui(ui, doc, commands);
        // A result typed here or picked in the table is brought into view.
        if self.mode_key() != before
            && let Some(area) = self.drawing().bounds()
        {
            commands.push(Command::Reveal(area));
        }
    }

    /// What the current mode draws, as its drawing key.
    fn mode_key(&self) -> (Mode, Vec<u64>) {
        let key = match self.mode {
            Mode::Distance => self.distance.drawing_key(),
            Mode::Path => self.path.drawing_key(),
            Mode::OneToAll => self.table.drawing_key(),
            Mode::Nearest => self.nearest.drawing_key(),
            Mode::Rings => self.rings.drawing_key(),
            Mode::Area => self.area.drawing_key(),
        };
        (self.mode, key)
    }

    /// The current mode's own controls and results.
    fn mode_ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        let units = self.units;
        match self.mode {
            Mode::Distance => self.distance.ui(ui, doc, units, self.picking, commands),
            Mode::Path => self.path.ui(ui, doc, units, self.picking, commands),
            Mode::OneToAll => {
                let targets = self.targets.get(doc);
                self.table
                    .ui(ui, doc, targets, units, self.picking, commands);
            }
            Mode::Nearest => {
                let targets = self.targets.get(doc);
                self.nearest
                    .ui(ui, doc, targets, units, self.picking, commands);
            }
            Mode::Rings => {
                let targets = self.targets.get(doc);
                self.rings
                    .ui(ui, doc, targets, units, self.picking, commands);
            }
            Mode::Area => self.area.ui(ui, doc, units, self.picking, commands),
        }
    }
}

/// Which features a click snaps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Snap {
    /// Any feature, measured at its point or centroid.
    Any,
    /// Only point features (drawing a polygon must not jump to a polygon's centroid).
    Points,
}

/// The place a click means: the feature under the pointer (its point or centroid) when there
/// is one to snap to, else the clicked coordinate.
pub(crate) fn snapped_place(
    doc: &Document,
    position: Point<f64>,
    feature: Option<FeatureRef>,
    snap: Snap,
) -> Place {
    feature
        .filter(|r| {
            snap == Snap::Any
                || doc.feature(*r).is_some_and(|f| {
                    f.with_geometry(|g| matches!(g, Some(geo::Geometry::Point(_))))
                })
        })
        .and_then(|r| feature_place(doc, r))
        .unwrap_or_else(|| coordinate_place(position))
}

/// A feature as a place: its point, or its centroid.
pub(crate) fn feature_place(doc: &Document, r: FeatureRef) -> Option<Place> {
    let f = doc.feature(r)?;
    let (point, from_centroid) = measure::representative_point(f.geometry()?)?;
    Some(Place {
        label: f.label(r.index),
        point,
        from_centroid,
        feature: Some(r),
    })
}

/// A clicked coordinate as a place, labelled `LAT,LON` as it would be typed.
pub(crate) fn coordinate_place(position: Point<f64>) -> Place {
    Place {
        label: format!("{:.6},{:.6}", position.y(), position.x()),
        point: position,
        from_centroid: false,
        feature: None,
    }
}

/// Resolve typed text (a name, an id or `LAT,LON`) against every open layer.
pub(crate) fn resolve_text(doc: &Document, text: &str) -> Result<Place, String> {
    if text.trim().is_empty() {
        return Err("type a name, an id or lat,lon".to_owned());
    }
    let layers: Vec<(LayerId, &Layer)> = doc.layers().collect();
    measure::resolve(text.trim(), &layers).map_err(|e| e.to_string())
}

/// A labelled one-line text field for a place. Returns true when Enter was pressed in it.
pub(crate) fn place_field(ui: &mut egui::Ui, label: &str, text: &mut String) -> bool {
    let mut submitted = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let edit = ui
            .add(
                egui::TextEdit::singleline(text)
                    .hint_text("name, id or lat,lon")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id);
        submitted = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    });
    submitted
}

/// Show an error in the error colour, wrapped.
pub(crate) fn error_ui(ui: &mut egui::Ui, error: &str) {
    ui.add(egui::Label::new(RichText::new(error).color(ui.visuals().error_fg_color)).wrap());
}

/// The big result line: "9.02 km · ellipsoidal".
pub(crate) fn result_ui(ui: &mut egui::Ui, text: String) {
    ui.label(
        RichText::new(format!("{text} · {}", measure::METHOD_SHORT))
            .size(22.0)
            .strong(),
    )
    .on_hover_text("Geodesic on the WGS84 ellipsoid (Karney's algorithm)");
}

/// The note every result carries on how it was measured.
pub(crate) fn method_note_ui(ui: &mut egui::Ui, centroid: bool) {
    ui.label(RichText::new("Geodesic on the WGS84 ellipsoid (Karney).").weak());
    if centroid {
        ui.label(
            RichText::new("A feature that is not a point is measured from its centroid.").weak(),
        );
    }
}

/// A label for a number that copies itself when clicked.
pub(crate) fn copyable(ui: &mut egui::Ui, shown: String, copied: String) {
    let response = ui
        .add(egui::Label::new(shown).sense(egui::Sense::click()))
        .on_hover_text(format!("Click to copy {copied}"));
    if response.clicked() {
        ui.ctx().copy_text(copied);
    }
}

/// The bit patterns of points, for comparing what is drawn.
pub(crate) fn point_bits<'a>(points: impl IntoIterator<Item = &'a Point<f64>>) -> Vec<u64> {
    points
        .into_iter()
        .flat_map(|p| [p.x().to_bits(), p.y().to_bits()])
        .collect()
}

/// The two-place distance.
#[derive(Default)]
pub struct DistanceTool {
    from_text: String,
    to_text: String,
    pub from: Option<Place>,
    pub to: Option<Place>,
    error: Option<String>,
}

impl DistanceTool {
    /// A picked place: the first sets "from", the second "to", a third starts over.
    pub fn pick(&mut self, place: Place) {
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

    fn drawing_key(&self) -> Vec<u64> {
        point_bits(self.from.iter().chain(&self.to).map(|p| &p.point))
    }

    fn drawing(&self, units: Units) -> MeasureDrawing {
        let mut d = MeasureDrawing::default();
        if let Some(from) = &self.from {
            d.markers.push(from.point);
        }
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            let path = measure::geodesic_path(from.point, to.point, 64);
            let mut path = path;
            measure::unroll_longitudes(&mut path);
            let mid = path[path.len() / 2];
            d.line(path, true);
            d.markers.push(to.point);
            d.labels.push((
                mid,
                format!(
                    "{} · {}",
                    units.format_length(measure::distance_m(from.point, to.point)),
                    measure::METHOD_SHORT
                ),
            ));
        }
        d
    }

    fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        units: Units,
        picking: bool,
        commands: &mut Vec<Command>,
    ) {
        let mut submit = place_field(ui, "From", &mut self.from_text);
        submit |= place_field(ui, "To", &mut self.to_text);
        ui.horizontal_wrapped(|ui| {
            submit |= ui.button("Measure").clicked();
            if ui.button("Clear").clicked() {
                *self = Self::default();
            }
        });
        if submit {
            self.resolve_texts(doc);
        }
        if let Some(error) = &self.error {
            error_ui(ui, error);
        }
        let (Some(from), Some(to)) = (&self.from, &self.to) else {
            if self.from.is_some() && !picking {
                ui.label(RichText::new("Now type the second place in To.").weak());
            }
            if picking {
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
        let (d, bearing) = measure::distance_and_bearing(from.point, to.point);
        ui.add_space(4.0);
        result_ui(ui, units.format_length(d));
        ui.horizontal_wrapped(|ui| {
            copyable(ui, format!("{d:.1} m"), format!("{d:.3} m"));
            ui.label("·");
            copyable(
                ui,
                format!("initial bearing {bearing:.1}°"),
                format!("{bearing:.4}°"),
            );
        });
        method_note_ui(ui, from.from_centroid || to.from_centroid);
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Copy")
                .on_hover_text("Copy the result as text")
                .clicked()
            {
                ui.ctx().copy_text(format!(
                    "{} → {}: {} ({d:.1} m), initial bearing {bearing:.1}°, geodesic on the WGS84 ellipsoid",
                    from.label,
                    to.label,
                    units.format_length(d)
                ));
            }
            if ui
                .button("Keep")
                .on_hover_text("Keep as a line in the Measurements layer (exported with it)")
                .clicked()
            {
                commands.push(Command::KeepMeasurement(measure::measurement_feature(
                    from, to,
                )));
            }
        });
    }

    fn resolve_texts(&mut self, doc: &Document) {
        let mut errors = Vec::new();
        self.from = resolve_text(doc, &self.from_text)
            .map_err(|e| errors.push(format!("From: {e}")))
            .ok();
        // Enter in "From" before "To" is filled is not a mistake: the hint asks for "To".
        self.to = if self.to_text.trim().is_empty() && errors.is_empty() {
            None
        } else {
            resolve_text(doc, &self.to_text)
                .map_err(|e| errors.push(format!("To: {e}")))
                .ok()
        };
        self.error = (!errors.is_empty()).then(|| errors.join("\n"));
    }
}

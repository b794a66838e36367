//! The Coverage tab: choose a site layer, a raid layer, a radius and a window (by default the
//! timeline's), read which sites a raid came near and which were left untouched in a sortable
//! table, see the classes on the map, and export the classified sites as GeoJSON.
//!
//! The answer is [`crate::coverage::classify`]'s, recomputed only when an input changes. The
//! panel never changes the document: the export goes through [`Command::AskExportCoverage`] and
//! [`Command::ExportCoverage`].

use std::cmp::Ordering;

use egui::{Color32, Pos2, RichText, Shape, Stroke};
use geo::{Destination, Geodesic, Point, Rect};
use walkers::Projector;

use crate::coverage::{self, Coverage, Status};
use crate::measure::format_distance;
use crate::model::{Document, LayerId};
use crate::render::overlay::MapDrawing;
use crate::timeline::{Day, TimeField, Window};
use crate::ui::command::Command;
use crate::ui::timeline::TimelinePanel;

/// Colour of an untouched site's ring (the finding the user is after).
pub(crate) const UNTOUCHED_COLOR: Color32 = Color32::from_rgb(200, 20, 30);
/// Colour of a raided site's ring.
pub(crate) const RAIDED_COLOR: Color32 = Color32::from_rgb(110, 110, 110);

/// The table's columns, for sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Site,
    Status,
    NearestRaid,
    Distance,
    Within,
}

/// What the answer was computed from; a change recomputes it.
#[derive(Debug, Clone, PartialEq)]
struct Inputs {
    sites: LayerId,
    raids: LayerId,
    /// The layers' revisions: any edit of either recomputes.
    site_revision: Option<u64>,
    raid_revision: Option<u64>,
    radius_m: f64,
    window: Window,
    field: Option<TimeField>,
}

pub struct CoveragePanel {
    pub sites: Option<LayerId>,
    pub raids: Option<LayerId>,
    pub radius_km: f64,
    /// Use the timeline's window (else the typed one below).
    pub follow_timeline: bool,
    from_text: String,
    to_text: String,
    own_window: Window,
    window_error: Option<String>,
    sort: Column,
    ascending: bool,
    /// Draw the classes on the map.
    pub show_on_map: bool,
    /// A typed export path, shown when no file dialog could be shown.
    pub export_path: Option<String>,
    inputs: Option<Inputs>,
    result: Option<Coverage>,
}

impl Default for CoveragePanel {
    fn default() -> Self {
        Self {
            sites: None,
            raids: None,
            radius_km: 5.0,
            follow_timeline: true,
            from_text: String::new(),
            to_text: String::new(),
            own_window: Window::ALL,
            window_error: None,
            sort: Column::Status,
            ascending: false,
            show_on_map: true,
            export_path: None,
            inputs: None,
            result: None,
        }
    }
}

impl CoveragePanel {
    /// The current answer, if a site and a raid layer are chosen.
    pub fn result(&self) -> Option<&Coverage> {
        self.result.as_ref()
    }

    /// The site layer the answer is about.
    pub fn sites_layer(&self) -> Option<LayerId> {
        self.inputs.as_ref().map(|i| i.sites)
    }

    /// The window in use: the timeline's or the typed one.
    pub fn window(&self, timeline: &TimelinePanel) -> Window {
        if self.follow_timeline {
            timeline.window()
        } else {
            self.own_window
        }
    }

    /// Pick layers when none are chosen (or a chosen one was closed): raids are the first layer
    /// on the timeline, sites the first other data layer.
    fn choose_layers(&mut self, doc: &Document, timeline: &TimelinePanel) {
        let exists = |id: Option<LayerId>| id.is_some_and(|id| doc.layer(id).is_some());
        let data = || {
            doc.layers()
                .filter(|(_, l)| l.kind == crate::model::LayerKind::Data)
                .map(|(id, _)| id)
        };
        if !exists(self.raids) {
            self.raids = data().find(|id| timeline.times(*id).is_some());
        }
        if !exists(self.sites) {
            self.sites = data().find(|id| Some(*id) != self.raids);
        }
    }

    /// Recompute the answer if an input changed.
    pub fn refresh(&mut self, doc: &Document, timeline: &TimelinePanel) {
        self.choose_layers(doc, timeline);
        let (Some(sites_id), Some(raids_id)) = (self.sites, self.raids) else {
            self.inputs = None;
            self.result = None;
            return;
        };
        let (Some(sites), Some(raids)) = (doc.layer(sites_id), doc.layer(raids_id)) else {
            return;
        };
        let times = timeline.times(raids_id);
        let inputs = Inputs {
            sites: sites_id,
            raids: raids_id,
            site_revision: doc.layer_revision(sites_id),
            raid_revision: doc.layer_revision(raids_id),
            radius_m: self.radius_km * 1000.0,
            window: self.window(timeline),
            field: times.map(|t| t.field.clone()),
        };
        if self.inputs.as_ref() == Some(&inputs) {
            return;
        }
        self.result = Some(coverage::classify(
            sites,
            raids,
            times,
            inputs.radius_m,
            inputs.window,
        ));
        self.inputs = Some(inputs);
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        timeline: &TimelinePanel,
        commands: &mut Vec<Command>,
    ) {
        // Room for the table's five columns: the panel grows to this while the tab is open.
        ui.set_min_width(450.0);
        ui.label(
            RichText::new("Which sites did a raid come near, and which were left untouched?")
                .weak(),
        );
        egui::Grid::new("coverage-inputs")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Sites");
                layer_choice(ui, "coverage-sites", doc, &mut self.sites);
                ui.end_row();
                ui.label("Raids");
                layer_choice(ui, "coverage-raids", doc, &mut self.raids);
                ui.end_row();
                let label = ui.label("Radius");
                ui.add(
                    egui::DragValue::new(&mut self.radius_km)
                        .range(0.0..=1000.0)
                        .speed(0.1)
                        .max_decimals(2)
                        .suffix(" km"),
                )
                .labelled_by(label.id)
                .on_hover_text("A raid this close (geodesic, WGS84) covers a site");
                ui.end_row();
                ui.label("Window");
                ui.vertical(|ui| {
                    ui.checkbox(&mut self.follow_timeline, "the timeline's");
                    if self.follow_timeline {
                        ui.label(window_text(&timeline.window()));
                    } else {
                        self.own_window_ui(ui);
                    }
                });
                ui.end_row();
            });
        self.refresh(doc, timeline);
        let Some(result) = &self.result else {
            ui.label("Open a layer of sites and a layer of dated raids to compare them.");
            return;
        };
        ui.separator();
        summary_ui(ui, result, doc, self.raids);
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut self.show_on_map, "Show on map")
                .on_hover_text("Red ring: untouched; grey ring: raided");
            if ui
                .button("Export…")
                .on_hover_text(
                    "Save the sites as GeoJSON with coverage_status, nearest_raid and \
                     nearest_raid_distance_m added",
                )
                .clicked()
            {
                commands.push(Command::AskExportCoverage);
            }
        });
        self.export_path_ui(ui, commands);
        ui.separator();
        self.table_ui(ui, doc, commands);
    }

    fn own_window_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            let width = crate::ui::text_fit::field_width(ui, "from YYYY-MM-DD");
            let a = ui.add(
                egui::TextEdit::singleline(&mut self.from_text)
                    .hint_text("from YYYY-MM-DD")
                    .desired_width(width),
            );
            let b = ui.add(
                egui::TextEdit::singleline(&mut self.to_text)
                    .hint_text("to YYYY-MM-DD")
                    .desired_width(width),
            );
            // Named for screen readers and tests: the hint text goes when something is typed.
            crate::ui::a11y::name(&a, "Coverage window from");
            crate::ui::a11y::name(&b, "Coverage window to");
            if a.changed() || b.changed() {
                let read = |t: &str, end: bool| {
                    let t = t.trim();
                    if t.is_empty() {
                        Ok(None)
                    } else {
                        Day::parse_bound(t, end)
                            .map(Some)
                            .ok_or_else(|| format!("{t:?} is not YYYY-MM-DD"))
                    }
                };
                match (read(&self.from_text, false), read(&self.to_text, true)) {
                    (Ok(from), Ok(to)) => {
                        self.own_window = Window { from, to };
                        self.window_error = None;
                    }
                    (Err(e), _) | (_, Err(e)) => self.window_error = Some(e),
                }
            }
        });
        if let Some(e) = &self.window_error {
            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        }
        ui.label(window_text(&self.own_window));
    }

    fn export_path_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(path) = &mut self.export_path else {
            return;
        };
        ui.label("No file dialog is available. Export the classified sites to:");
        let mut done = false;
        ui.horizontal(|ui| {
            let edit = ui.add(egui::TextEdit::singleline(path).desired_width(220.0));
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Save").clicked() || enter {
                commands.push(Command::ExportCoverage(path.trim().into()));
                done = true;
            }
            if ui.button("Cancel").clicked() {
                done = true;
            }
        });
        if done {
            self.export_path = None;
        }
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        let Some(result) = &self.result else { return };
        let radius = format_distance(result.radius_m);
        let rows = self.sorted_rows(result);
        let sites_layer = self.inputs.as_ref().map(|i| i.sites);
        let mut sort_click = None;
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("coverage-table")
                    .striped(true)
                    .spacing([6.0, 4.0])
                    .num_columns(5)
                    .show(ui, |ui| {
                        sort_click = self.header_ui(ui, &radius);
                        ui.end_row();
                        for s in rows {
                            site_row_ui(ui, doc, sites_layer, s, commands);
                            ui.end_row();
                        }
                    });
            });
        if let Some(col) = sort_click {
            if self.sort == col {
                self.ascending = !self.ascending;
            } else {
                self.sort = col;
                self.ascending = !matches!(col, Column::Status | Column::Within);
            }
        }
    }

    /// The sites in the table's order (by the sorted column, then as read).
    fn sorted_rows<'a>(&self, result: &'a coverage::Coverage) -> Vec<&'a coverage::SiteCoverage> {
        let mut rows: Vec<&coverage::SiteCoverage> = result.sites.iter().collect();
        let by = |a: &&coverage::SiteCoverage, b: &&coverage::SiteCoverage| -> Ordering {
            let dist = |s: &coverage::SiteCoverage| s.nearest.as_ref().map(|n| n.distance_m);
            match self.sort {
                Column::Site => a.label.to_lowercase().cmp(&b.label.to_lowercase()),
                Column::Status => a.status.cmp(&b.status),
                Column::NearestRaid => {
                    let l = |s: &coverage::SiteCoverage| {
                        s.nearest.as_ref().map(|n| n.label.to_lowercase())
                    };
                    l(a).cmp(&l(b))
                }
                // Sites without a distance sort last either way.
                Column::Distance => match (dist(a), dist(b)) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                },
                Column::Within => a.raids_within.cmp(&b.raids_within),
            }
        };
        rows.sort_by(|a, b| {
            let o = by(a, b);
            let o = if self.ascending { o } else { o.reverse() };
            o.then(a.site.cmp(&b.site))
        });
        rows
    }

    /// The column headers; the one clicked (to sort by).
    fn header_ui(&self, ui: &mut egui::Ui, radius: &str) -> Option<Column> {
        let mut sort_click = None;
        for (col, name) in [
            (Column::Site, "Site".to_owned()),
            (Column::Status, "Status".to_owned()),
            (Column::NearestRaid, "Nearest raid".to_owned()),
            (Column::Distance, "Distance".to_owned()),
            (Column::Within, "Within".to_owned()),
        ] {
            let arrow = match (self.sort == col, self.ascending) {
                (false, _) => "",
                (true, true) => " ˄",
                (true, false) => " ˅",
            };
            if ui
                .add(
                    egui::Button::new(RichText::new(format!("{name}{arrow}")).strong())
                        .frame(false),
                )
                .on_hover_text(if col == Column::Within {
                    format!(
                        "Raids in the window within {radius} (geodesic). \
                         Click to sort."
                    )
                } else {
                    "Click to sort by this column.".to_owned()
                })
                .clicked()
            {
                sort_click = Some(col);
            }
        }
        sort_click
    }

    /// What the map draws for the answer, if it is to be drawn.
    pub fn marks(&self) -> Option<CoverageMarks<'_>> {
        let result = self.result.as_ref().filter(|_| self.show_on_map)?;
        Some(CoverageMarks { result })
    }
}

/// Widest the site names may be in the table (longer ones are cut, shown whole on hover).
const SITE_COLUMN_PX: f32 = 140.0;
/// Widest the nearest raid's name may be.
const RAID_COLUMN_PX: f32 = 120.0;

/// A table cell at most `width` wide.
/// One site's row: its name (a click zooms to it), status, nearest raid, distance and how
/// many raids are within the radius.
fn site_row_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    sites_layer: Option<LayerId>,
    s: &coverage::SiteCoverage,
    commands: &mut Vec<Command>,
) {
    let site_text = if s.point.is_none() {
        format!("{} (no geometry)", s.label)
    } else {
        s.label.clone()
    };
    let link = cell(
        ui,
        SITE_COLUMN_PX,
        egui::Button::new(site_text).frame(false).truncate(),
    );
    if link.clicked()
        && let Some(p) = s.point
    {
        commands.push(Command::ZoomTo(Rect::new(p.0, p.0)));
    }
    if let Some(layer) = sites_layer
        && link.hovered()
    {
        link.on_hover_text(hover_text(doc, layer, s));
    }
    let (color, text) = match s.status {
        Status::Untouched => (UNTOUCHED_COLOR, "untouched"),
        Status::Raided => (RAIDED_COLOR, "raided"),
    };
    let named = !s.named_by.is_empty() && s.raids_within == 0;
    let text = if named { "raided (named)" } else { text };
    ui.label(RichText::new(text).color(color).strong());
    match &s.nearest {
        Some(n) => {
            let raid = cell(ui, RAID_COLUMN_PX, egui::Label::new(&n.label).truncate());
            if raid.hovered() {
                raid.on_hover_text(match &n.date {
                    Some(d) => format!("{} ({d})", n.label),
                    None => n.label.clone(),
                });
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format_distance(n.distance_m))
            });
        }
        None => {
            ui.label("–");
            ui.label("–");
        }
    }
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(s.raids_within.to_string())
    });
}

fn cell(ui: &mut egui::Ui, width: f32, widget: impl egui::Widget) -> egui::Response {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ui.spacing().interact_size.y),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_max_width(width);
            ui.add(widget)
        },
    )
    .inner
}

/// `2025-07-14 to 2025-07-16 (UTC days, inclusive)` or `all dates`.
fn window_text(window: &Window) -> String {
    if window.is_unbounded() {
        "all dates".into()
    } else {
        format!("{window} (UTC days, inclusive)")
    }
}

fn layer_choice(ui: &mut egui::Ui, salt: &str, doc: &Document, choice: &mut Option<LayerId>) {
    let name = |id: Option<LayerId>| {
        id.and_then(|id| doc.layer(id))
            .map_or_else(|| "(choose a layer)".to_owned(), |l| l.name.clone())
    };
    egui::ComboBox::from_id_salt(salt)
        .selected_text(name(*choice))
        .width(200.0)
        .show_ui(ui, |ui| {
            for (id, layer) in doc.layers() {
                ui.selectable_value(choice, Some(id), &layer.name);
            }
        })
        .response
        .on_hover_text(format!(
            "The layer of {}",
            salt.trim_start_matches("coverage-")
        ));
}

/// "3 untouched, 4 raided of 7 sites" and the untouched sites by name: the line a user reads
/// the answer from.
fn summary_ui(ui: &mut egui::Ui, result: &Coverage, doc: &Document, raids: Option<LayerId>) {
    let untouched: Vec<&str> = result
        .sites
        .iter()
        .filter(|s| s.status == Status::Untouched)
        .map(|s| s.label.as_str())
        .collect();
    let raid_total = raids
        .and_then(|id| doc.layer(id))
        .map_or(0, |l| l.features.len());
    ui.label(
        RichText::new(format!(
            "{} untouched, {} raided, of {} sites · {} of {raid_total} raids in the window · \
             radius {} (geodesic, WGS84)",
            untouched.len(),
            result.count(Status::Raided),
            result.sites.len(),
            result.raids_in_window,
            format_distance(result.radius_m),
        ))
        .strong(),
    );
    if untouched.is_empty() {
        ui.label("Untouched: none.");
    } else {
        ui.add(
            egui::Label::new(
                RichText::new(format!("Untouched: {}.", untouched.join(", ")))
                    .color(UNTOUCHED_COLOR),
            )
            .wrap(),
        );
    }
    let mut notes = Vec::new();
    if !result.raids_undated.is_empty() {
        notes.push(format!(
            "{} raids without a readable date are left out of the window (listed in the timeline)",
            result.raids_undated.len()
        ));
    }
    if !result.raids_without_position.is_empty() {
        notes.push(format!(
            "{} raids in the window have no geometry and count only for the sites they name",
            result.raids_without_position.len()
        ));
    }
    let no_geometry: Vec<&str> = result
        .sites_without_position()
        .map(|s| s.label.as_str())
        .collect();
    if !no_geometry.is_empty() {
        notes.push(format!(
            "classified by name only (no geometry): {}",
            no_geometry.join(", ")
        ));
    }
    for note in notes {
        ui.add(egui::Label::new(RichText::new(note).weak()).wrap());
    }
}

fn hover_text(doc: &Document, layer: LayerId, s: &coverage::SiteCoverage) -> String {
    let mut text = String::from("Click to go there.");
    if s.from_centroid {
        text.push_str(" Measured from the centroid (the site is not a point).");
    }
    if !s.named_by.is_empty()
        && let Some(raids) = doc.layers().find(|(id, _)| *id != layer).map(|(_, l)| l)
    {
        let names: Vec<String> = s
            .named_by
            .iter()
            .filter_map(|&i| raids.features.get(i).map(|f| f.label(i)))
            .collect();
        text.push_str(&format!(" Named by: {}.", names.join(", ")));
    }
    text
}

/// The answer drawn on the map: a ring per site in its class's colour and, where it is big
/// enough to see, the geodesic circle of the radius around it.
pub struct CoverageMarks<'a> {
    result: &'a Coverage,
}

impl MapDrawing for CoverageMarks<'_> {
    /// Paint over the map's layers, in the window and in exported images.
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        let screen_pos = |p: Point<f64>| Some(projector.project(p).to_pos2());
        let radius_m = self.result.radius_m;
        for s in &self.result.sites {
            let Some(p) = s.point else { continue };
            let Some(at) = screen_pos(p) else { return };
            let color = match s.status {
                Status::Untouched => UNTOUCHED_COLOR,
                Status::Raided => RAIDED_COLOR,
            };
            let circle: Vec<Pos2> = (0..48)
                .filter_map(|k| {
                    let q: Point<f64> = Geodesic.destination(p, f64::from(k) * 7.5, radius_m);
                    screen_pos(q)
                })
                .collect();
            let size_px = circle.iter().map(|q| q.distance(at)).fold(0.0, f32::max);
            // The radius itself, where it is big enough to see (from about zoom 9 at 5 km).
            if size_px > 16.0 {
                painter.add(Shape::closed_line(
                    circle,
                    Stroke::new(1.5, color.gamma_multiply(0.8)),
                ));
            }
            let width = if s.status == Status::Untouched {
                3.5
            } else {
                2.0
            };
            painter.circle_stroke(at, 13.0, Stroke::new(width + 2.0, Color32::WHITE));
            painter.circle_stroke(at, 13.0, Stroke::new(width, color));
        }
    }
}

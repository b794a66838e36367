//! The *Export report…* form: the options of `raidmap report` (title, radius, from/to, paper)
//! and the map area (the current view or every layer).

use egui::DragValue;

use super::form::{Area, Dates, OnlySelected, Submit, Target, area_row_ui};
use super::job::Task;
use crate::publish::report::{self, DEFAULT_RADIUS_KM, Paper};
use crate::timeline::Window;
use crate::ui::a11y;

pub struct ReportForm {
    pub open: bool,
    pub title: String,
    pub radius_km: f64,
    pub dates: Dates,
    pub paper: Paper,
    pub area: Area,
    pub only: OnlySelected,
    pub target: Target,
}

impl Default for ReportForm {
    fn default() -> Self {
        Self {
            open: false,
            title: String::new(),
            radius_km: DEFAULT_RADIUS_KM,
            dates: Dates::default(),
            paper: Paper::A4,
            area: Area::Layers,
            only: OnlySelected::default(),
            target: Target::new("report.pdf"),
        }
    }
}

impl ReportForm {
    pub fn open(&mut self, window: Window) {
        self.dates.set(window);
        self.open = true;
    }

    /// The form, while open; the task to start when the user presses Export.
    pub fn ui(&mut self, ctx: &egui::Context, busy: bool) -> Option<Task> {
        if !self.open {
            return None;
        }
        let mut task = None;
        let mut open = self.open;
        egui::Window::new("Export report")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(
                    "A PDF case report of the visible layers: the data files with their \
                     SHA-256, the method, the map, the sites with their nearest raid, the \
                     raids, the kept measurements, the sources and the precision notes.",
                );
                ui.add_space(4.0);
                egui::Grid::new("report-export")
                    .num_columns(2)
                    .spacing([8.0, 6.0])
                    .show(ui, |ui| self.grid_ui(ui));
                ui.add_space(4.0);
                if let Submit::Write(out) =
                    self.target
                        .submit_ui(ui, "Export PDF", busy, |path| match path.extension() {
                            Some(ext) if ext.eq_ignore_ascii_case("pdf") => Ok(()),
                            _ => Err("The file must end in .pdf.".into()),
                        })
                {
                    match self.options() {
                        Ok(options) => {
                            task = Some(Task::Report {
                                options,
                                area: self.area,
                                out,
                            });
                        }
                        Err(problem) => self.target.problem = Some(problem),
                    }
                }
            });
        self.open = open && task.is_none();
        task
    }

    fn grid_ui(&mut self, ui: &mut egui::Ui) {
        ui.label("Title");
        let r = ui.add(
            egui::TextEdit::singleline(&mut self.title)
                .hint_text("the layers' names")
                .desired_width(340.0),
        );
        a11y::name(&r, "Report title");
        ui.end_row();
        ui.label("Raids near a site");
        let r = ui.add(
            DragValue::new(&mut self.radius_km)
                .range(0.1..=500.0)
                .speed(0.1)
                .prefix("within ")
                .suffix(" km"),
        );
        a11y::name(&r, "Radius");
        ui.end_row();
        self.dates.rows_ui(ui, ("all dates", "all dates"));
        ui.label("Paper");
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.paper, Paper::A4, "A4");
            ui.radio_value(&mut self.paper, Paper::Letter, "Letter");
        });
        ui.end_row();
        area_row_ui(ui, &mut self.area);
        self.only.row_ui(ui);
        self.target.row_ui(ui, "Report file");
    }

    /// The options typed, or what is wrong with them (the map area is filled in by the app).
    fn options(&self) -> Result<report::Options, String> {
        let (from, to) = self.dates.parsed()?;
        let window = Window { from, to };
        Ok(report::Options {
            title: Some(self.title.trim().to_owned()).filter(|t| !t.is_empty()),
            radius_km: self.radius_km,
            window: Some(window),
            paper: self.paper,
            area: None,
        })
    }
}

//! The *Export report…* form: the options of `raidmap report` (title, radius, from/to, paper)
//! and the map area (the current view or every layer).

use egui::DragValue;

use super::form::{Dates, Form, OnlySelected, Submit, Target, area_row_ui, title_row_ui};
use super::job::Area;
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
}

impl Form for ReportForm {
    const TITLE: &'static str = "Export report";
    const INTRO: &'static str = "A PDF case report of the visible layers: the data files with \
        their SHA-256, the method, the map, the sites with their nearest raid, the raids, the \
        kept measurements, the sources and the precision notes.";

    fn open_flag(&mut self) -> &mut bool {
        &mut self.open
    }

    fn submit_ui(&mut self, ui: &mut egui::Ui, busy: bool) -> Option<Task> {
        let check = |path: &std::path::Path| match crate::publish::unsealed_name(path).extension() {
            Some(ext) if ext.eq_ignore_ascii_case("pdf") => Ok(()),
            _ => Err("The file must end in .pdf (or .pdf.age).".into()),
        };
        let Submit::Write(out) = self.target.submit_ui(ui, "Export PDF", busy, check) else {
            return None;
        };
        match self.options() {
            Ok(options) => Some(Task::Report {
                options,
                area: self.area,
                out,
            }),
            Err(problem) => {
                self.target.problem = Some(problem);
                None
            }
        }
    }

    fn grid_ui(&mut self, ui: &mut egui::Ui) {
        title_row_ui(ui, &mut self.title, "Report title");
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
}

impl ReportForm {
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

//! The "Export image…" window: the current view, every layer, or a typed box, at a chosen
//! pixel size, with a title, written as PNG by the same code as `raidmap render`
//! (`render::image`), so the window and the command line make the same image.

use std::path::PathBuf;

use egui::{DragValue, RichText};

use crate::render::image::{DEFAULT_SIZE_PX, MAX_SIDE_PX, parse_bbox};
use crate::ui::a11y;
use crate::ui::app::publish::OnlySelected;
use crate::ui::command::{Area, ImageRequest};

pub struct ImageExport {
    pub open: bool,
    width_px: u32,
    height_px: u32,
    scale: f32,
    area: Area,
    bbox_text: String,
    pub title: String,
    pub path: String,
    /// "Selected features only" (the app sets how many are selected each frame).
    pub only: OnlySelected,
    problem: Option<String>,
}

impl Default for ImageExport {
    fn default() -> Self {
        let dir = std::env::current_dir().unwrap_or_default();
        Self {
            open: false,
            width_px: DEFAULT_SIZE_PX[0],
            height_px: DEFAULT_SIZE_PX[1],
            scale: 1.0,
            area: Area::Layers,
            bbox_text: "102.3,10.4,107.65,14.7".into(),
            title: String::new(),
            path: dir.join("map.png").display().to_string(),
            only: OnlySelected::default(),
            problem: None,
        }
    }
}

/// What the window asks the app to do.
#[derive(Debug)]
pub enum ExportAction {
    /// Show the native save dialog for the path.
    ChoosePath,
    Export(ImageRequest),
}

impl ImageExport {
    /// The window, while open. `view_px` is the map's size on screen in pixels and the
    /// screen's pixels per point.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        view_px: Option<([u32; 2], f32)>,
    ) -> Option<ExportAction> {
        if !self.open {
            return None;
        }
        let mut action = None;
        let mut open = self.open && !crate::ui::popup::esc(ctx);
        egui::Window::new("Export image")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(
                    "A PNG of the map with its title, legend, scale bar, north arrow and \
                     credits, and the basemaps compared as on the map.",
                );
                ui.add_space(4.0);
                egui::Grid::new("image-export")
                    .num_columns(2)
                    .spacing([8.0, 6.0])
                    .show(ui, |ui| {
                        self.area_and_size_rows(ui, view_px);
                        if self.title_and_file_rows(ui) {
                            action = Some(ExportAction::ChoosePath);
                        }
                    });
                if let Some(problem) = &self.problem {
                    ui.label(RichText::new(problem).color(egui::Color32::from_rgb(180, 30, 20)));
                }
                ui.add_space(4.0);
                if ui.button("Export PNG").clicked() {
                    match self.request() {
                        Ok(request) => {
                            self.problem = None;
                            action = Some(ExportAction::Export(request));
                        }
                        Err(problem) => self.problem = Some(problem),
                    }
                }
            });
        self.open = open && !matches!(action, Some(ExportAction::Export(_)));
        action
    }

    /// The rows of what the image shows (view, layers, a box), its size and scale.
    fn area_and_size_rows(&mut self, ui: &mut egui::Ui, view_px: Option<([u32; 2], f32)>) {
        ui.label("Shows");
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.area, Area::View, "the current view");
            ui.radio_value(&mut self.area, Area::Layers, "all layers");
            ui.radio_value(&mut self.area, Area::Box, "a box");
        });
        ui.end_row();
        if self.area == Area::Box {
            ui.label("Box W,S,E,N");
            let r = ui.add(egui::TextEdit::singleline(&mut self.bbox_text).desired_width(220.0));
            a11y::name(&r, "Box west, south, east, north");
            ui.end_row();
        }
        ui.label("Size");
        ui.horizontal(|ui| {
            let r = ui.add(
                DragValue::new(&mut self.width_px)
                    .range(1..=MAX_SIDE_PX)
                    .suffix(" px"),
            );
            a11y::name(&r, "Image width");
            ui.label("×");
            let r = ui.add(
                DragValue::new(&mut self.height_px)
                    .range(1..=MAX_SIDE_PX)
                    .suffix(" px"),
            );
            a11y::name(&r, "Image height");
            if let Some(([w, h], ppp)) = view_px
                && ui.small_button("as on screen").clicked()
            {
                self.width_px = w.clamp(1, MAX_SIDE_PX);
                self.height_px = h.clamp(1, MAX_SIDE_PX);
                self.scale = ppp.clamp(0.25, 8.0);
            }
        });
        ui.end_row();
        ui.label("Scale");
        let r = ui.add(
            DragValue::new(&mut self.scale)
                .range(0.25..=8.0)
                .speed(0.05)
                .suffix(" px per pt"),
        );
        a11y::name(&r, "Image scale");
        ui.end_row();
    }

    /// The rows of the title, "selected features only" and the file; whether *Choose…* was
    /// clicked.
    fn title_and_file_rows(&mut self, ui: &mut egui::Ui) -> bool {
        let mut choose = false;
        ui.label("Title");
        let r = ui.add(
            egui::TextEdit::singleline(&mut self.title)
                .hint_text("none")
                .desired_width(320.0),
        );
        a11y::name(&r, "Image title");
        ui.end_row();
        self.only.row_ui(ui);
        ui.label("File");
        ui.horizontal(|ui| {
            let _ = crate::ui::path_field::path_field(
                ui,
                "image-path",
                &mut self.path,
                ("Image file", "the PNG file to write"),
                320.0,
            );
            choose = ui.button("Choose…").clicked();
        });
        ui.end_row();
        choose
    }

    /// The request, or what is wrong with the form.
    fn request(&self) -> Result<ImageRequest, String> {
        let path = PathBuf::from(self.path.trim());
        if path.as_os_str().is_empty() {
            return Err("Type the file to write, or choose it.".into());
        }
        let bbox = match self.area {
            Area::Box => Some(parse_bbox(&self.bbox_text)?),
            _ => None,
        };
        Ok(ImageRequest {
            width_px: self.width_px,
            height_px: self.height_px,
            scale: self.scale,
            area: self.area,
            bbox,
            title: self.title.trim().to_owned(),
            path,
            selected_only: self.only.wanted(),
        })
    }
}

//! The *Export animation…* form: the options of `raidmap animate` (from, to, step, mode,
//! frame rate, size, format by the file's extension, title, map area).

use egui::DragValue;

use super::form::{Dates, Form, OnlySelected, Submit, Target, area_row_ui, title_row_ui};
use super::job::Area;
use super::job::Task;
use crate::publish::animate::{self, DEFAULT_FPS, DEFAULT_SIZE_PX, Format, Mode, Options, Step};
use crate::publish::draw::MAX_SIDE_PX;
use crate::timeline::Window;
use crate::ui::a11y;

pub struct AnimationForm {
    pub open: bool,
    pub dates: Dates,
    /// `1d`, `1w`, `1mo`, ….
    pub step: String,
    /// `None`: accumulate; `Some(n)`: the last n steps.
    pub window_steps: Option<u32>,
    pub fps: u32,
    pub width_px: u32,
    pub height_px: u32,
    pub area: Area,
    pub title: String,
    pub only: OnlySelected,
    pub target: Target,
}

impl Default for AnimationForm {
    fn default() -> Self {
        Self {
            open: false,
            dates: Dates::default(),
            step: "1d".into(),
            window_steps: None,
            fps: DEFAULT_FPS,
            width_px: DEFAULT_SIZE_PX[0],
            height_px: DEFAULT_SIZE_PX[1],
            area: Area::Layers,
            title: String::new(),
            only: OnlySelected::default(),
            target: Target::new("raids.gif"),
        }
    }
}

impl AnimationForm {
    pub fn open(&mut self, window: Window) {
        self.dates.set(window);
        self.open = true;
    }
}

impl Form for AnimationForm {
    const TITLE: &'static str = "Export animation";
    const INTRO: &'static str = "One frame per step, both ends included, drawn like the map \
        with its legend, scale bar and credits; the date is written on every frame.";

    fn open_flag(&mut self) -> &mut bool {
        &mut self.open
    }

    fn submit_ui(&mut self, ui: &mut egui::Ui, busy: bool) -> Option<Task> {
        let submit = self
            .target
            .submit_ui(ui, "Export animation", busy, check_format);
        let Submit::Write(path) = submit else {
            return None;
        };
        match self.options() {
            Ok(options) => Format::of_path(&path).map(|format| Task::Animation {
                options,
                format,
                area: self.area,
                out: path,
            }),
            Err(problem) => {
                self.target.problem = Some(problem);
                None
            }
        }
    }

    fn grid_ui(&mut self, ui: &mut egui::Ui) {
        self.dates
            .rows_ui(ui, ("first day with an event", "last day with an event"));
        ui.label("Step");
        ui.horizontal(|ui| {
            for step in ["1d", "1w", "1mo"] {
                ui.selectable_value(&mut self.step, step.to_owned(), step);
            }
            let r = ui.add(egui::TextEdit::singleline(&mut self.step).desired_width(48.0));
            a11y::name(&r, "Step");
        });
        ui.end_row();
        ui.label("Each frame shows");
        ui.horizontal(|ui| {
            let mut accumulate = self.window_steps.is_none();
            if ui
                .radio_value(&mut accumulate, true, "everything so far")
                .clicked()
            {
                self.window_steps = None;
            }
            if ui.radio_value(&mut accumulate, false, "the last").clicked()
                && self.window_steps.is_none()
            {
                self.window_steps = Some(7);
            }
            if let Some(n) = &mut self.window_steps {
                let r = ui.add(DragValue::new(n).range(1..=1000).suffix(" steps"));
                a11y::name(&r, "Window steps");
            }
        });
        ui.end_row();
        ui.label("Frame rate");
        let r = ui.add(
            DragValue::new(&mut self.fps)
                .range(1..=50)
                .suffix(" frames per s"),
        );
        a11y::name(&r, "Frame rate");
        ui.end_row();
        ui.label("Size");
        ui.horizontal(|ui| {
            let r = ui.add(
                DragValue::new(&mut self.width_px)
                    .range(16..=MAX_SIDE_PX)
                    .suffix(" px"),
            );
            a11y::name(&r, "Frame width");
            ui.label("×");
            let r = ui.add(
                DragValue::new(&mut self.height_px)
                    .range(16..=MAX_SIDE_PX)
                    .suffix(" px"),
            );
            a11y::name(&r, "Frame height");
        });
        ui.end_row();
        area_row_ui(ui, &mut self.area);
        self.only.row_ui(ui);
        ui.label("Format");
        ui.horizontal(|ui| {
            let current = Format::of_path(std::path::Path::new(self.target.path.trim()));
            for (format, ext) in [
                (Format::Gif, "gif"),
                (Format::WebP, "webp"),
                (Format::Mp4, "mp4"),
            ] {
                let hint = match format {
                    Format::Mp4 => "H.264, made by the ffmpeg command where it is installed",
                    _ => "made by raidmap itself",
                };
                if ui
                    .selectable_label(current == Some(format), format.name())
                    .on_hover_text(hint)
                    .clicked()
                {
                    self.target.set_extension(ext);
                }
            }
        });
        ui.end_row();
        title_row_ui(ui, &mut self.title, "Animation title");
        self.target.row_ui(ui, "Animation file");
    }
}

impl AnimationForm {
    /// The options typed, or what is wrong with them (the map area is filled in by the app).
    fn options(&self) -> Result<Options, String> {
        let (from, to) = self.dates.parsed()?;
        let step = Step::parse(&self.step)?;
        Ok(Options {
            from,
            to,
            step,
            mode: self.window_steps.map_or(Mode::Accumulate, Mode::Window),
            fps: self.fps.max(1),
            width_px: self.width_px,
            height_px: self.height_px,
            bbox: None,
            title: Some(self.title.trim().to_owned()).filter(|t| !t.is_empty()),
        })
    }
}

/// A GIF, WebP or MP4 (with an H.264 encoder) file.
fn check_format(path: &std::path::Path) -> Result<(), String> {
    match Format::of_path(path) {
        None => Err("The file must end in .gif, .webp or .mp4.".into()),
        Some(Format::Mp4) => animate::h264_encoder()
            .map(|_| ())
            .map_err(|err| err.to_string()),
        Some(_) => Ok(()),
    }
}

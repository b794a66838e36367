//! Parts every publishing form shares: the file to write (never replaced without asking),
//! the map area (the current view or every layer), the dates, and the form's problem line.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::job::{Area, Task};
use crate::timeline::{Day, Window};
use crate::ui::a11y;

/// The colour of a form's problem line.
const PROBLEM: egui::Color32 = egui::Color32::from_rgb(180, 30, 20);

/// What differs between the publishing dialogs; [`dialog_ui`] shows any of them.
pub(super) trait Form {
    /// The window's title.
    const TITLE: &'static str;
    /// The line under the title saying what is written.
    const INTRO: &'static str;
    /// Whether the dialog is open.
    fn open_flag(&mut self) -> &mut bool;
    /// The form's rows, in a two-column grid.
    fn grid_ui(&mut self, ui: &mut egui::Ui);
    /// The button under the grid (and its questions); the task to start when pressed.
    fn submit_ui(&mut self, ui: &mut egui::Ui, busy: bool) -> Option<Task>;
}

/// A publishing dialog while it is open: its title, what it writes, the form's grid and the
/// button; it closes with its × and once its task starts.
pub(super) fn dialog_ui<F: Form>(form: &mut F, ctx: &egui::Context, busy: bool) -> Option<Task> {
    if !*form.open_flag() {
        return None;
    }
    let mut task = None;
    let mut open = true;
    egui::Window::new(F::TITLE)
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(F::INTRO);
            ui.add_space(4.0);
            egui::Grid::new(F::TITLE)
                .num_columns(2)
                .spacing([8.0, 6.0])
                .show(ui, |ui| form.grid_ui(ui));
            ui.add_space(4.0);
            task = form.submit_ui(ui, busy);
        });
    *form.open_flag() = open && task.is_none();
    task
}

/// The file a form writes. An existing file is replaced only after the user says so.
pub struct Target {
    pub path: String,
    /// The existing file the user is asked about.
    replace: Option<PathBuf>,
    pub problem: Option<String>,
    /// The user pressed "Choose…": show the native save dialog.
    pub choose: bool,
}

/// What the form's button asks for.
pub enum Submit {
    /// Nothing (not pressed, or waiting for the user to say whether to replace a file).
    None,
    /// Write this file.
    Write(PathBuf),
}

impl Target {
    pub fn new(file_name: &str) -> Self {
        let dir = std::env::current_dir().unwrap_or_default();
        Self {
            path: dir.join(file_name).display().to_string(),
            replace: None,
            problem: None,
            choose: false,
        }
    }

    /// The "File" row of a form's grid.
    pub fn row_ui(&mut self, ui: &mut egui::Ui, name: &str) {
        ui.label("File");
        ui.horizontal(|ui| {
            let r = ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(300.0));
            a11y::name(&r, name);
            if r.changed() {
                self.replace = None;
            }
            if ui.button("Choose…").clicked() {
                self.choose = true;
            }
        });
        ui.end_row();
    }

    /// The button that writes the file, the question whether to replace an existing one, and
    /// the problem line. `check` says what is wrong with the path (its extension), if anything.
    pub fn submit_ui(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        busy: bool,
        check: impl Fn(&Path) -> Result<(), String>,
    ) -> Submit {
        let mut submit = Submit::None;
        if let Some(existing) = self.replace.clone() {
            ui.label(
                RichText::new(format!(
                    "{} already exists. Replace it?",
                    existing.display()
                ))
                .color(PROBLEM),
            );
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!busy, egui::Button::new("Replace"))
                    .clicked()
                {
                    self.replace = None;
                    submit = Submit::Write(existing.clone());
                }
                if ui.button("Keep it").clicked() {
                    self.replace = None;
                }
            });
        } else {
            let button = ui
                .add_enabled(!busy, egui::Button::new(label))
                .on_disabled_hover_text("Wait for the file being written");
            if button.clicked() {
                match self.checked(&check) {
                    Ok(path) if path.exists() => self.replace = Some(path),
                    Ok(path) => submit = Submit::Write(path),
                    Err(problem) => self.problem = Some(problem),
                }
            }
        }
        if let Some(problem) = &self.problem {
            ui.label(RichText::new(problem).color(PROBLEM));
        }
        if matches!(submit, Submit::Write(_)) {
            self.problem = None;
        }
        submit
    }

    /// The typed path, or what is wrong with it.
    fn checked(&self, check: impl Fn(&Path) -> Result<(), String>) -> Result<PathBuf, String> {
        let path = PathBuf::from(self.path.trim());
        if path.as_os_str().is_empty() {
            return Err("Type the file to write.".into());
        }
        if path.is_dir() {
            return Err(format!("{} is a folder: type a file name.", path.display()));
        }
        check(&path)?;
        match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                Err(format!("The folder {} does not exist.", dir.display()))
            }
            _ => Ok(path),
        }
    }

    /// The path chosen in the native dialog.
    pub fn set(&mut self, path: &Path) {
        self.path = path.display().to_string();
        self.replace = None;
        self.problem = None;
    }

    /// The typed file's name, for the native dialog to start from.
    pub fn file_name(&self) -> String {
        Path::new(self.path.trim())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Give the file this extension (when the user picks a format).
    pub fn set_extension(&mut self, extension: &str) {
        let path = PathBuf::from(self.path.trim());
        self.path = path.with_extension(extension).display().to_string();
        self.replace = None;
    }
}

/// The "Title" row of a form's grid (`name`: what a screen reader calls the field).
pub(super) fn title_row_ui(ui: &mut egui::Ui, title: &mut String, name: &str) {
    ui.label("Title");
    let r = ui.add(
        egui::TextEdit::singleline(title)
            .hint_text("the layers' names")
            .desired_width(340.0),
    );
    a11y::name(&r, name);
    ui.end_row();
}

/// "Selected features only", offered while features are selected on the map (the window
/// sets [`OnlySelected::count`] each frame).
#[derive(Debug, Default)]
pub struct OnlySelected {
    pub on: bool,
    /// How many features are selected on the map now.
    pub count: usize,
}

impl OnlySelected {
    /// The "Features" row of a form's grid, shown only while something is selected.
    pub fn row_ui(&mut self, ui: &mut egui::Ui) {
        if self.count == 0 {
            return;
        }
        ui.label("Features");
        let s = if self.count == 1 { "" } else { "s" };
        ui.checkbox(
            &mut self.on,
            format!("the {} selected feature{s} only", self.count),
        );
        ui.end_row();
    }

    /// Whether to publish only the selected features.
    pub fn wanted(&self) -> bool {
        self.on && self.count > 0
    }
}

/// The "Map shows" row of a form's grid.
pub(super) fn area_row_ui(ui: &mut egui::Ui, area: &mut Area) {
    ui.label("Map shows");
    ui.horizontal(|ui| {
        ui.radio_value(area, Area::View, "the current view");
        ui.radio_value(area, Area::Layers, "all layers");
    });
    ui.end_row();
}

/// First and last day, as typed (empty: the first or last day with an event).
#[derive(Default)]
pub struct Dates {
    pub from: String,
    pub to: String,
}

impl Dates {
    /// Start from the timeline's window.
    pub fn set(&mut self, window: Window) {
        self.from = window.from.map(|d| d.to_string()).unwrap_or_default();
        self.to = window.to.map(|d| d.to_string()).unwrap_or_default();
    }

    /// The "From" and "To" rows of a form's grid.
    pub fn rows_ui(&mut self, ui: &mut egui::Ui, empty_means: (&str, &str)) {
        for (label, text, hint) in [
            ("From", &mut self.from, empty_means.0),
            ("To", &mut self.to, empty_means.1),
        ] {
            ui.label(label);
            let r = ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(170.0),
            );
            a11y::name(&r, label);
            ui.end_row();
        }
    }

    /// The days typed (`None` where empty), or what is wrong with them.
    pub fn parsed(&self) -> Result<(Option<Day>, Option<Day>), String> {
        let day = |text: &str, end: bool, which: &str| {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            Day::parse_bound(text, end).map(Some).ok_or_else(|| {
                format!("{which}: {text:?} is not a date; write YYYY-MM-DD (UTC) or YYYY-MM.")
            })
        };
        let from = day(&self.from, false, "From")?;
        let to = day(&self.to, true, "To")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(format!("From {f} is after To {t}."));
        }
        Ok((from, to))
    }
}

//! The *Publish web map…* form: the title and the HTML file (`raidmap publish`).

use super::form::{OnlySelected, Submit, Target};
use super::job::Task;
use crate::publish::webmap;
use crate::ui::a11y;

pub struct WebMapForm {
    pub open: bool,
    pub title: String,
    pub only: OnlySelected,
    pub target: Target,
}

impl Default for WebMapForm {
    fn default() -> Self {
        Self {
            open: false,
            title: String::new(),
            only: OnlySelected::default(),
            target: Target::new("map.html"),
        }
    }
}

impl WebMapForm {
    pub fn open(&mut self) {
        self.open = true;
    }

    /// The form, while open; the task to start when the user presses Publish.
    pub fn ui(&mut self, ctx: &egui::Context, busy: bool) -> Option<Task> {
        if !self.open {
            return None;
        }
        let mut task = None;
        let mut open = self.open;
        egui::Window::new("Publish web map")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(
                    "One HTML file that opens in any current browser with no network: the \
                     visible layers with their styles, the offline basemap of Cambodia, \
                     search, the timeline slider, the kept measurements and the credits. \
                     Tiles of an online or MBTiles basemap are not included.",
                );
                ui.add_space(4.0);
                egui::Grid::new("webmap-export")
                    .num_columns(2)
                    .spacing([8.0, 6.0])
                    .show(ui, |ui| {
                        ui.label("Title");
                        let r = ui.add(
                            egui::TextEdit::singleline(&mut self.title)
                                .hint_text("the layers' names")
                                .desired_width(340.0),
                        );
                        a11y::name(&r, "Web map title");
                        ui.end_row();
                        self.only.row_ui(ui);
                        self.target.row_ui(ui, "Web map file");
                    });
                ui.add_space(4.0);
                let check = |path: &std::path::Path| match path.extension() {
                    Some(ext)
                        if ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm") =>
                    {
                        Ok(())
                    }
                    _ => Err("The file must end in .html.".into()),
                };
                if let Submit::Write(out) =
                    self.target.submit_ui(ui, "Publish web map", busy, check)
                {
                    task = Some(Task::WebMap {
                        options: webmap::Options {
                            title: Some(self.title.trim().to_owned()).filter(|t| !t.is_empty()),
                        },
                        out,
                    });
                }
            });
        self.open = open && task.is_none();
        task
    }
}

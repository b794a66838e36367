//! The *Publish web map…* form: the title and the HTML file (`raidmap publish`).

use super::form::{Form, OnlySelected, Submit, Target, title_row_ui};
use super::job::Task;
use crate::publish::webmap;

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
}

impl Form for WebMapForm {
    const TITLE: &'static str = "Publish web map";
    const INTRO: &'static str = "One HTML file that opens in any current browser with no \
        network: the visible layers with their styles, the offline basemap of Cambodia, \
        search, the timeline slider, the kept measurements and the credits. Tiles of an online \
        or MBTiles basemap are not included.";

    fn open_flag(&mut self) -> &mut bool {
        &mut self.open
    }

    fn grid_ui(&mut self, ui: &mut egui::Ui) {
        title_row_ui(ui, &mut self.title, "Web map title");
        self.only.row_ui(ui);
        self.target.row_ui(ui, "Web map file");
    }

    fn submit_ui(&mut self, ui: &mut egui::Ui, busy: bool) -> Option<Task> {
        let check = |path: &std::path::Path| match crate::publish::unsealed_name(path).extension() {
            Some(ext) if ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm") => {
                Ok(())
            }
            _ => Err("The file must end in .html (or .html.age).".into()),
        };
        let Submit::Write(out) = self.target.submit_ui(ui, "Publish web map", busy, check) else {
            return None;
        };
        Some(Task::WebMap {
            options: webmap::Options {
                title: Some(self.title.trim().to_owned()).filter(|t| !t.is_empty()),
            },
            out,
        })
    }
}

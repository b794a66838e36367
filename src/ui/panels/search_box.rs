//! The search box in the toolbar: type to find features by any property across the layers
//! (`crate::search`); the matches drop down below it. Enter (or a click) selects the chosen
//! match and zooms the map to it; ↑/↓ choose, Esc closes the list, Ctrl+F focuses the box.

use egui::{Id, Key, RichText};

use crate::model::Document;
use crate::search::{Hit, search};
use crate::ui::a11y;
use crate::ui::command::Command;

/// How many matches the list shows.
const SHOWN: usize = 8;

/// With more features than this, the search runs once typing pauses rather than on every key.
const QUIET_SEARCH_ABOVE: usize = 20_000;
const TYPING_PAUSE_S: f64 = 0.3;

#[derive(Default)]
pub struct SearchBox {
    pub query: String,
    hits: Vec<Hit>,
    /// The query and document size the hits were found for.
    searched: Option<(String, usize)>,
    chosen: usize,
    open: bool,
    /// When the query last changed (egui's input time, seconds).
    typed_at: f64,
}

impl SearchBox {
    /// The text field's id, for focusing it.
    pub fn field_id() -> Id {
        Id::unique("feature-search")
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::F)) {
            ui.memory_mut(|m| m.request_focus(Self::field_id()));
        }
        // ↑/↓ choose a match while the field has the keyboard (taken before the field sees
        // them, so they do not move its cursor).
        if ui.memory(|m| m.has_focus(Self::field_id())) {
            ui.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowDown) {
                    self.chosen = (self.chosen + 1).min(self.hits.len().saturating_sub(1));
                    self.open = true;
                }
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowUp) {
                    self.chosen = self.chosen.saturating_sub(1);
                }
            });
        }
        let edit = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .id(Self::field_id())
                .hint_text("Search features (Ctrl+F)")
                .desired_width(280.0_f32.min(ui.ctx().content_rect().width() * 0.2)),
        );
        a11y::name(&edit, "Search features");
        let size: usize = doc.layers().map(|(_, l)| l.features.len()).sum();
        let key = (self.query.clone(), size);
        let now = ui.input(|i| i.time);
        if edit.changed() {
            self.typed_at = now;
        }
        // A search reads every feature: in big documents it waits until typing pauses.
        let settled = size < QUIET_SEARCH_ABOVE || now - self.typed_at >= TYPING_PAUSE_S;
        if !settled {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(TYPING_PAUSE_S));
        }
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        if self.searched.as_ref() != Some(&key) && (settled || enter) {
            self.hits = search(doc, &self.query, SHOWN);
            self.searched = Some(key);
            self.chosen = 0;
            self.open = !self.hits.is_empty();
        }
        if edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
            self.open = false;
        }
        if enter && let Some(hit) = self.hits.get(self.chosen) {
            go_to(doc, hit, commands);
            self.open = false;
        }
        if self.query.trim().is_empty() {
            self.open = false;
        }
        if self.open {
            self.results_ui(ui, edit.rect, doc, commands);
        }
        if !self.query.trim().is_empty() && self.hits.is_empty() {
            ui.label(RichText::new("no match").weak());
        }
    }

    /// The list of matches under the field.
    fn results_ui(
        &mut self,
        ui: &egui::Ui,
        field: egui::Rect,
        doc: &Document,
        commands: &mut Vec<Command>,
    ) {
        let mut picked = None;
        let mut close = false;
        egui::Area::new(Id::unique("feature-search-results"))
            .order(egui::Order::Foreground)
            .fixed_pos(field.left_bottom() + egui::vec2(0.0, 2.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_min_width(field.width().max(320.0));
                    for (i, hit) in self.hits.iter().enumerate() {
                        let text = describe(doc, hit);
                        let r = ui.selectable_label(i == self.chosen, text);
                        if r.clicked() {
                            picked = Some(i);
                        }
                    }
                    if ui.small_button("Close").clicked() {
                        close = true;
                    }
                });
            });
        if let Some(i) = picked {
            self.chosen = i;
            if let Some(hit) = self.hits.get(i) {
                go_to(doc, hit, commands);
            }
            self.open = false;
        }
        if close {
            self.open = false;
        }
    }
}

/// "Mango Park 2 · sites.geojson · aliases: Mango Park II".
fn describe(doc: &Document, hit: &Hit) -> String {
    let layer = doc.layer(hit.feature.layer);
    let label = doc
        .feature(hit.feature)
        .map(|f| f.label(hit.feature.index))
        .unwrap_or_default();
    let layer_name = layer.map(|l| l.name.as_str()).unwrap_or("");
    let mut text = format!("{label} · {layer_name}");
    if hit.key != "name" {
        let mut shown: String = hit.text.chars().take(60).collect();
        if hit.text.chars().count() > 60 {
            shown.push('…');
        }
        text.push_str(&format!(" · {}: {shown}", hit.key));
    }
    text
}

/// Select the feature and zoom the map to it.
fn go_to(doc: &Document, hit: &Hit, commands: &mut Vec<Command>) {
    commands.push(Command::Select(Some(hit.feature)));
    if let Some(bbox) = doc.feature(hit.feature).and_then(|f| f.exact_bbox()) {
        commands.push(Command::ZoomTo(bbox));
    }
}

//! Two basemaps compared on the map: a second basemap right of a divider the user drags (swipe),
//! or blended over the first with an opacity slider. The data is drawn over both.
//!
//! Keys (while no text field has the keyboard): C switches the comparison on and off,
//! Shift+← / Shift+→ move the divider (plain arrows still pan). The settings are part of
//! [`crate::ui::map::basemap_chooser::BasemapSettings`], so they are remembered between runs and
//! saved in projects; the second basemap's tile layer is made only while the comparison is on,
//! so an online second basemap connects to nothing until then.

use egui::{Color32, Rect, RichText, Sense, pos2, vec2};
use serde::{Deserialize, Serialize};
use walkers::Projector;

use crate::render::compare::{blend_label, divider_x, paint_divider, paint_tag, sides};
use crate::tiles::Source;
use crate::tiles::wayback::Release;
use crate::ui::map::tiles::TileLayer;

/// How the second basemap is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareMode {
    /// Left of the divider the first basemap, right of it the second.
    #[default]
    Swipe,
    /// The second basemap over the first, at the blend opacity.
    Blend,
}

/// What the user set up (saved with the basemap settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareSettings {
    pub on: bool,
    pub mode: CompareMode,
    /// The second basemap.
    pub source: Source,
    /// Where the divider is, as a fraction of the map's width from the left (0 to 1).
    pub swipe: f32,
    /// Opacity of the second basemap over the first in a blend (0 to 1).
    pub blend: f32,
}

impl Default for CompareSettings {
    fn default() -> Self {
        Self {
            on: false,
            mode: CompareMode::Swipe,
            source: Source::Offline,
            swipe: 0.5,
            blend: 0.5,
        }
    }
}

/// How far Shift+arrow moves the divider, as a fraction of the width.
pub const KEY_STEP: f32 = 0.05;

/// The comparison's state between frames: the second basemap's tiles.
#[derive(Default)]
pub struct Compare {
    tiles: Option<TileLayer>,
    /// The source `tiles` (or `problem`) belongs to.
    active: Option<Source>,
    problem: Option<String>,
    /// A URL template or tile file typed for the second basemap.
    input: String,
}

impl Compare {
    /// The second source to open, if the comparison is on and its layer is not the right one.
    pub fn wanted(&self, settings: &CompareSettings) -> Option<Source> {
        if !settings.on {
            return None;
        }
        (self.active.as_ref() != Some(&settings.source)).then(|| settings.source.clone())
    }

    /// Keep the layer opened for `source` (or why it could not be opened).
    pub fn set_layer(&mut self, source: Source, layer: Result<Option<TileLayer>, String>) {
        match layer {
            Ok(tiles) => {
                self.tiles = tiles;
                self.problem = None;
            }
            Err(problem) => {
                self.tiles = None;
                self.problem = Some(problem);
            }
        }
        self.active = Some(source);
    }

    /// Drop the second layer (its workers stop) when the comparison is off.
    pub fn close_if_off(&mut self, settings: &CompareSettings) {
        if !settings.on && self.active.is_some() {
            self.tiles = None;
            self.active = None;
            self.problem = None;
        }
    }

    pub fn tiles(&self) -> Option<&TileLayer> {
        self.tiles.as_ref()
    }

    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Paint both basemaps' tiles (under the data): the first with `opacity`, the second on
    /// its side of the divider or blended. Without a comparison only the first.
    pub fn paint_tiles(
        &mut self,
        settings: &CompareSettings,
        painter: &egui::Painter,
        projector: &Projector,
        first: Option<&mut TileLayer>,
        opacity: f32,
    ) {
        let rect = projector.clip_rect();
        let opacity = opacity.clamp(0.0, 1.0);
        if !settings.on {
            if let Some(first) = first {
                first.paint(painter, projector, rect, opacity);
            }
            return;
        }
        match settings.mode {
            CompareMode::Swipe => {
                let (left, right) = sides(rect, divider_x(rect, settings.swipe));
                if let Some(first) = first {
                    first.paint(painter, projector, left, opacity);
                }
                if let Some(second) = self.tiles.as_mut() {
                    second.paint(painter, projector, right, 1.0);
                }
            }
            CompareMode::Blend => {
                let blend = settings.blend.clamp(0.0, 1.0);
                match self.tiles.as_mut() {
                    Some(second) => {
                        if let Some(first) = first {
                            first.paint(painter, projector, rect, opacity);
                        }
                        second.paint(painter, projector, rect, blend);
                    }
                    // The second is the offline basemap, beneath everything: fading the first
                    // out shows it.
                    None => {
                        if let Some(first) = first {
                            first.paint(painter, projector, rect, opacity * (1.0 - blend));
                        }
                    }
                }
            }
        }
    }

    /// Over the data: the divider and the two names (swipe), the blend's names, or the dated
    /// release's name when the first basemap is one. The divider can be dragged.
    pub fn paint_over(
        &self,
        settings: &mut CompareSettings,
        ui: &mut egui::Ui,
        rect: Rect,
        first: &Source,
    ) {
        let painter = ui.painter().with_clip_rect(rect);
        let top = pos2(rect.center().x, rect.top() + 12.0);
        if !settings.on {
            if let Source::Wayback(_) = first {
                paint_tag(&painter, top, egui::Align2::CENTER_TOP, &first.label());
            }
            return;
        }
        let names = [first.label(), settings.source.label()];
        match settings.mode {
            CompareMode::Swipe => {
                let x = divider_x(rect, settings.swipe);
                let handle =
                    Rect::from_center_size(pos2(x, rect.center().y), vec2(14.0, rect.height()));
                let response = ui
                    .interact(handle, egui::Id::unique("compare-divider"), Sense::drag())
                    .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
                if response.dragged()
                    && let Some(pointer) = response.interact_pointer_pos()
                    && rect.width() > 0.0
                {
                    settings.swipe = ((pointer.x - rect.left()) / rect.width()).clamp(0.0, 1.0);
                }
                paint_divider(&painter, rect, x, [&names[0], &names[1]], 50.0);
                // A grip in the middle says it can be dragged.
                let grip = Rect::from_center_size(pos2(x, rect.center().y), vec2(12.0, 36.0));
                painter.rect_filled(grip, 4.0, Color32::WHITE);
                painter.rect_stroke(
                    grip,
                    4.0,
                    egui::Stroke::new(1.5, Color32::from_gray(30)),
                    egui::StrokeKind::Inside,
                );
            }
            CompareMode::Blend => {
                let text = blend_label([&names[0], &names[1]], settings.blend);
                paint_tag(&painter, top, egui::Align2::CENTER_TOP, &text);
            }
        }
    }

    /// The comparison's part of the basemap panel. `releases` are the dated imagery releases
    /// read so far (offered as second basemaps).
    pub fn ui(&mut self, ui: &mut egui::Ui, settings: &mut CompareSettings, releases: &[Release]) {
        ui.checkbox(&mut settings.on, "Compare with a second basemap (C)")
            .on_hover_text(
                "Left of a divider you drag the basemap above, right of it a second one; or \
                 the second blended over the first",
            );
        if !settings.on {
            return;
        }
        ui.horizontal(|ui| {
            ui.radio_value(&mut settings.mode, CompareMode::Swipe, "Swipe");
            ui.radio_value(&mut settings.mode, CompareMode::Blend, "Blend");
        });
        let mut picked = None;
        egui::ComboBox::from_label("Second basemap")
            .selected_text(settings.source.label())
            .width(230.0)
            .show_ui(ui, |ui| {
                for source in [
                    Source::Offline,
                    Source::OpenStreetMap,
                    Source::Satellite,
                    Source::OpenTopoMap,
                ] {
                    let label = source.label();
                    if ui
                        .selectable_label(settings.source == source, label)
                        .clicked()
                    {
                        picked = Some(source);
                    }
                }
                for release in releases.iter().rev() {
                    let source = Source::Wayback(crate::tiles::WaybackChoice {
                        date: release.date.clone(),
                        release: Some(release.clone()),
                    });
                    if ui
                        .selectable_label(settings.source == source, source.label())
                        .clicked()
                    {
                        picked = Some(source);
                    }
                }
            });
        ui.horizontal(|ui| {
            let name = ui.label(RichText::new("URL or file").small());
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut self.input)
                        .hint_text("https://…/{z}/{x}/{y}.png or a .mbtiles file")
                        .desired_width(200.0),
                )
                .labelled_by(name.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Compare with it").clicked() || enter) && !self.input.trim().is_empty() {
                match Source::parse(self.input.trim()) {
                    Ok(source) => picked = Some(source),
                    Err(err) => self.problem = Some(crate::tiles::describe(&err)),
                }
            }
        });
        if let Some(source) = picked {
            match source.check() {
                Ok(()) => settings.source = source,
                Err(err) => self.problem = Some(crate::tiles::describe(&err)),
            }
        }
        match settings.mode {
            CompareMode::Swipe => {
                ui.add(
                    egui::Slider::new(&mut settings.swipe, 0.0..=1.0)
                        .text("Divider (Shift+←/→)")
                        .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
                );
            }
            CompareMode::Blend => {
                ui.add(
                    egui::Slider::new(&mut settings.blend, 0.0..=1.0)
                        .text("Second basemap's opacity")
                        .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
                );
            }
        }
        if settings.source.is_online() {
            ui.label(
                RichText::new("The second basemap is online: its server sees the areas you view.")
                    .small()
                    .color(Color32::from_rgb(170, 90, 0)),
            );
        }
        if let Some(problem) = &self.problem {
            ui.label(RichText::new(problem).color(Color32::from_rgb(190, 30, 30)));
        }
    }
}

/// C toggles the comparison; Shift+← and Shift+→ move the divider. Ignored while a text field
/// has the keyboard.
pub fn keys(ctx: &egui::Context, settings: &mut CompareSettings) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let (toggle, left, right) = ctx.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::C),
            i.consume_key(egui::Modifiers::SHIFT, egui::Key::ArrowLeft),
            i.consume_key(egui::Modifiers::SHIFT, egui::Key::ArrowRight),
        )
    });
    if toggle {
        settings.on = !settings.on;
    }
    if settings.on && settings.mode == CompareMode::Swipe {
        if left {
            settings.swipe = (settings.swipe - KEY_STEP).max(0.0);
        }
        if right {
            settings.swipe = (settings.swipe + KEY_STEP).min(1.0);
        }
    }
}

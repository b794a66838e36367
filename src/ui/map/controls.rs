//! Navigation people expect on a map: zoom buttons (+, −, zoom to all) and the keyboard (arrows
//! pan, + and − zoom).

use egui::{Rect, Vec2, vec2};

/// What the user asked of the map through the controls this frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Navigation {
    /// Zoom steps, + in, − out.
    pub zoom_steps: i32,
    /// Move the view by this many screen points (the map content moves the other way).
    pub pan: Vec2,
    /// Fit everything shown into the view.
    pub zoom_to_all: bool,
}

impl Navigation {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Arrow keys pan by a fifth of the view; + (or =) and − zoom one step. Ignored while a text
/// field has the keyboard, and with Ctrl/⌘ (which zoom egui's whole interface).
pub(crate) fn keyboard(ctx: &egui::Context, view: Vec2) -> Navigation {
    if ctx.egui_wants_keyboard_input() {
        return Navigation::default();
    }
    ctx.input(|i| {
        let mut nav = Navigation::default();
        if i.modifiers.command || i.modifiers.ctrl || i.modifiers.alt {
            return nav;
        }
        let step = view * 0.2;
        for (key, dir) in [
            (egui::Key::ArrowLeft, vec2(-1.0, 0.0)),
            (egui::Key::ArrowRight, vec2(1.0, 0.0)),
            (egui::Key::ArrowUp, vec2(0.0, -1.0)),
            (egui::Key::ArrowDown, vec2(0.0, 1.0)),
        ] {
            if i.key_pressed(key) {
                nav.pan += dir * step;
            }
        }
        for key in [egui::Key::Plus, egui::Key::Equals] {
            if i.key_pressed(key) {
                nav.zoom_steps += 1;
            }
        }
        if i.key_pressed(egui::Key::Minus) {
            nav.zoom_steps -= 1;
        }
        nav
    })
}

/// The zoom buttons, in a column at the map's top left; what was pressed and what they cover.
pub(crate) fn zoom_buttons(ctx: &egui::Context, map_rect: Rect) -> (Navigation, Rect) {
    let mut nav = Navigation::default();
    let shown = egui::Area::new(egui::Id::unique("map-zoom-buttons"))
        .fixed_pos(map_rect.left_top() + vec2(10.0, 10.0))
        .constrain_to(map_rect)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(4.0)
                .show(ui, |ui| {
                    let size = vec2(30.0, 26.0);
                    let button = |text: egui::RichText| {
                        egui::Button::new(text)
                            .min_size(size)
                            .wrap_mode(egui::TextWrapMode::Extend)
                    };
                    if ui
                        .add(button(big("+")))
                        .on_hover_text("Zoom in (+)")
                        .clicked()
                    {
                        nav.zoom_steps += 1;
                    }
                    if ui
                        .add(button(big("−")))
                        .on_hover_text("Zoom out (−)")
                        .clicked()
                    {
                        nav.zoom_steps -= 1;
                    }
                    if ui
                        .add(button(egui::RichText::new("All").size(12.5)))
                        .on_hover_text("Zoom to all layers")
                        .clicked()
                    {
                        nav.zoom_to_all = true;
                    }
                });
        });
    (nav, shown.response.rect)
}

fn big(text: &str) -> egui::RichText {
    egui::RichText::new(text).size(17.0)
}

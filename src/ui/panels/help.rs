//! The help panel: every keyboard shortcut, opened with F1 or the toolbar's Help button.

/// The shortcuts, as (keys, what they do). The map's keys work while no text field has the
/// keyboard.
pub const SHORTCUTS: [(&str, &str); 20] = [
    ("Ctrl+F", "Search features by any property"),
    (
        "Up / Down, Enter",
        "Choose a search match, go to it and select it",
    ),
    ("Esc", "Close the search matches or this help; stop drawing"),
    ("Arrow keys", "Pan the map"),
    ("C", "Compare with a second basemap (on or off)"),
    ("Shift+Left / Shift+Right", "Move the comparison's divider"),
    ("+ / -", "Zoom the map in or out"),
    ("Double-click", "Zoom in on the map"),
    ("Mouse wheel", "Zoom the map"),
    ("Ctrl+click", "Add a feature to the selection"),
    ("Enter", "Finish the line or polygon being drawn"),
    ("Delete", "Delete the selected features"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Ctrl+S", "Save the project"),
    ("Ctrl+E", "Export the map as an image"),
    ("Ctrl+L", "Show or hide the legend"),
    ("Ctrl+Shift+D", "Switch between the light and dark theme"),
    ("F1", "Show or hide this help"),
    (
        "Ctrl+Plus / Ctrl+Minus",
        "Make the whole interface larger or smaller",
    ),
];

/// The help window, while `open`.
pub fn help_ui(ctx: &egui::Context, open: &mut bool) {
    if *open && crate::ui::popup::esc(ctx) {
        *open = false;
    }
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .default_pos(ctx.content_rect().center() - egui::vec2(200.0, 180.0))
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(egui::RichText::new(keys).monospace().strong());
                        ui.label(what);
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            ui.label("The map's keys work while no text field has the keyboard.");
        });
}

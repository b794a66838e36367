//! Widths that show a text whole: a text field as wide as its longest expected entry or
//! placeholder (e.g. "YYYY-MM-DD"), so neither is cut off at any display scale.

/// The width a single-line text field needs to show `text` whole in the body font: the
/// text's own width plus the field's margins and room for the cursor.
pub(crate) fn field_width(ui: &egui::Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let galley = ui
        .painter()
        .layout_no_wrap(text.to_owned(), font, egui::Color32::PLACEHOLDER);
    // The field's frame margins (up to 8 points each side with the theme's stroke) and room
    // for the cursor and rounding at fractional display scales.
    galley.size().x + 24.0
}

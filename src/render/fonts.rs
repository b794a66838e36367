//! Fonts bundled with the app so every name renders on any machine, in the GUI and in tests:
//! Noto Sans (Latin with Vietnamese and Thai-border place names' diacritics) and Noto Sans Khmer,
//! both SIL OFL 1.1 (`src/render/fonts/OFL.txt`). They are added after egui's default font, as
//! fallbacks for the glyphs it lacks.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

pub const NOTO_SANS: &[u8] = include_bytes!("fonts/NotoSans-Regular.ttf");
pub const NOTO_SANS_KHMER: &[u8] = include_bytes!("fonts/NotoSansKhmer-Regular.ttf");

/// egui's default fonts plus the bundled fallbacks.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in [
        ("noto-sans", NOTO_SANS),
        ("noto-sans-khmer", NOTO_SANS_KHMER),
    ] {
        fonts
            .font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push(name.to_owned());
        }
    }
    fonts
}

//! Text for the PDF: split into runs of Khmer and of everything else, each shaped by
//! rustybuzz with its font (Noto Sans Khmer or Noto Sans), so Khmer clusters (subscript
//! consonants, vowel signs placed around the base) come out as in the window.

use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::super::draw::{FONT_KHMER, FONT_LATIN};

/// The two fonts, for shaping (rustybuzz) and for the PDF (krilla embeds and subsets them).
pub(super) struct Fonts {
    faces: [rustybuzz::Face<'static>; 2],
    pdf: [Font; 2],
}

/// Why the fonts could not be used (they are compiled in, so this means a broken build).
#[derive(Debug, thiserror::Error)]
#[error("the bundled font {0} could not be read")]
pub struct FontError(&'static str);

impl Fonts {
    pub(super) fn new() -> Result<Fonts, FontError> {
        let face = |bytes: &'static [u8], name| {
            rustybuzz::Face::from_slice(bytes, 0).ok_or(FontError(name))
        };
        let font = |bytes: &'static [u8], name| Font::new(bytes.into(), 0).ok_or(FontError(name));
        Ok(Fonts {
            faces: [
                face(FONT_LATIN, "Noto Sans")?,
                face(FONT_KHMER, "Noto Sans Khmer")?,
            ],
            pdf: [
                font(FONT_LATIN, "Noto Sans")?,
                font(FONT_KHMER, "Noto Sans Khmer")?,
            ],
        })
    }

    /// The PDF font of a run.
    pub(super) fn pdf_font(&self, run: &Run) -> Font {
        self.pdf[run.font].clone()
    }

    /// Shape a line of text into runs.
    pub(super) fn shape(&self, text: &str) -> Vec<Run> {
        split_scripts(text)
            .into_iter()
            .map(|(font, range)| self.shape_run(font, &text[range]))
            .collect()
    }

    /// The width of a line at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text).iter().map(|r| r.width_em).sum::<f32>() * size
    }

    fn shape_run(&self, font: usize, text: &str) -> Run {
        let face = &self.faces[font];
        let upem = f32::from(face.units_per_em() as u16).max(1.0);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(face, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // The cluster ends where the next different cluster starts.
            let end = infos[i + 1..]
                .iter()
                .map(|n| n.cluster as usize)
                .find(|&c| c != start)
                .filter(|&c| c > start)
                .unwrap_or(text.len());
            let advance = pos.x_advance as f32 / upem;
            width += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start..end.max(start),
                None,
            ));
        }
        Run {
            font,
            text: text.to_owned(),
            glyphs,
            width_em: width,
        }
    }
}

/// A stretch of text in one font, shaped.
pub(super) struct Run {
    /// 0: Noto Sans, 1: Noto Sans Khmer.
    font: usize,
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    /// The advance of the whole run, in ems.
    pub width_em: f32,
}

fn is_khmer(c: char) -> bool {
    matches!(c, '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}')
}

/// Byte ranges of runs and their font (1 for Khmer); spaces stay with the run before them.
fn split_scripts(text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut runs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        let font = usize::from(is_khmer(c));
        match runs.last_mut() {
            Some((f, range)) if *f == font || c.is_whitespace() => range.end = end,
            _ => runs.push((font, at..end)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn khmer_and_latin_go_to_their_fonts() {
        let runs = split_scripts("Phnom Penh ភ្នំពេញ (capital)");
        let fonts: Vec<usize> = runs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fonts, [0, 1, 0]);
        assert_eq!(&"Phnom Penh ភ្នំពេញ (capital)"[runs[1].1.clone()], "ភ្នំពេញ ");
    }

    #[test]
    fn khmer_is_shaped_not_mapped_letter_by_letter() {
        let fonts = Fonts::new().expect("fonts");
        // ភ្នំពេញ: ភ + coeng + ន (a subscript form) + ំ, ព + េ (drawn before the base) + ញ.
        let text = "ភ្នំពេញ";
        let runs = fonts.shape(text);
        assert_eq!(runs.len(), 1);
        let glyphs = &runs[0].glyphs;
        let face = &fonts.faces[1];
        let cmap: Vec<u32> = text
            .chars()
            .map(|c| face.glyph_index(c).map_or(0, |g| u32::from(g.0)))
            .collect();
        let shaped: Vec<u32> = glyphs.iter().map(|g| g.glyph_id.to_u32()).collect();
        assert!(
            shaped.iter().all(|&g| g != 0),
            "no missing glyph: {shaped:?}"
        );
        assert_ne!(
            shaped, cmap,
            "shaping changed the glyphs (subscript, reordering)"
        );
        // The pre-base vowel sign េ is drawn before ព: the glyph for េ comes first in its
        // cluster.
        let e_sign = face.glyph_index('េ').map(|g| u32::from(g.0));
        let pa = face.glyph_index('ព').map(|g| u32::from(g.0));
        let at = |g: Option<u32>| shaped.iter().position(|&s| Some(s) == g);
        assert!(at(e_sign) < at(pa), "{shaped:?}");
    }

    #[test]
    fn widths_grow_with_text_and_size() {
        let fonts = Fonts::new().expect("fonts");
        let a = fonts.width("Mango Park", 10.0);
        assert!(a > 30.0 && a < 80.0, "{a}");
        assert!((fonts.width("Mango Park", 20.0) - 2.0 * a).abs() < 0.01);
        assert!(fonts.width("Mango Park 2", 10.0) > a);
    }
}

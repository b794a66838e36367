//! The report laid out on A4 or Letter pages and written as PDF with krilla: text is real
//! text (fonts embedded and subset, with a Unicode map, so it can be selected and searched),
//! the map an image at print resolution. Layout is two steps: [`Layout`] places everything on
//! pages as [`Op`]s, then [`render`] draws them.

use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};

use super::text::Fonts;

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Width and height in PDF points (1/72 inch).
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }

    /// `a4` or `letter` (any case).
    pub fn parse(text: &str) -> Result<Paper, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "letter" => Ok(Paper::Letter),
            _ => Err(format!("{text:?} is not a paper size: write a4 or letter")),
        }
    }
}

const MARGIN: f32 = 48.0;
const INK: [u8; 3] = [25, 25, 30];
const MUTED: [u8; 3] = [95, 95, 105];
const RULE: [u8; 3] = [190, 190, 198];
const HEADER_FILL: [u8; 3] = [234, 236, 242];

/// Something placed on a page (top-left origin, y down, points).
enum Op {
    /// A line of text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: [u8; 3],
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: [u8; 3],
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: [u8; 3],
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: Arc<image::RgbaImage>,
    },
}

/// Pages being filled from the top down.
pub(super) struct Layout<'f> {
    fonts: &'f Fonts,
    width: f32,
    height: f32,
    y: f32,
    pages: Vec<Vec<Op>>,
}

impl<'f> Layout<'f> {
    pub(super) fn new(fonts: &'f Fonts, paper: Paper) -> Self {
        let (width, height) = paper.size_pt();
        Self {
            fonts,
            width,
            height,
            y: MARGIN,
            pages: vec![Vec::new()],
        }
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        // Room for the footer.
        self.height - MARGIN - 14.0
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Start a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > MARGIN {
            self.new_page();
        }
    }

    pub(super) fn space(&mut self, h: f32) {
        self.y += h;
    }

    /// Lines of `text` no wider than `width` at `size`, broken at spaces (a word too long for
    /// a line is broken between characters).
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.fonts.width(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.fonts.width(word, size) <= width {
                    line = word.to_owned();
                    continue;
                }
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if self.fonts.width(&next, size) > width && !line.is_empty() {
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    } else {
                        line = next;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph across the content width.
    pub(super) fn paragraph(&mut self, text: &str, size: f32, color: [u8; 3]) {
        let leading = size * 1.35;
        for line in self.wrap(text, size, self.content_width()) {
            self.ensure(leading);
            self.y += leading;
            self.push(Op::Text {
                x: MARGIN,
                y: self.y - size * 0.3,
                size,
                color,
                text: line,
            });
        }
    }

    pub(super) fn title(&mut self, text: &str) {
        self.paragraph(text, 22.0, INK);
        self.space(6.0);
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.space(12.0);
        self.paragraph(text, 14.0, INK);
        self.push(Op::Line {
            x1: MARGIN,
            y1: self.y + 3.0,
            x2: self.width - MARGIN,
            y2: self.y + 3.0,
            color: RULE,
        });
        self.space(8.0);
    }

    pub(super) fn body(&mut self, text: &str) {
        self.paragraph(text, 10.0, INK);
        self.space(3.0);
    }

    pub(super) fn note(&mut self, text: &str) {
        self.paragraph(text, 8.5, MUTED);
        self.space(3.0);
    }

    /// A table: `widths` are fractions of the content width; the header is repeated on each
    /// page the table runs onto; cells wrap.
    pub(super) fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>]) {
        let size = 8.5;
        let leading = size * 1.3;
        let pad = 3.0;
        let total: f32 = widths.iter().sum();
        let columns: Vec<f32> = widths
            .iter()
            .map(|w| w / total * self.content_width())
            .collect();
        let header: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        let draw_row = |layout: &mut Self, cells: &[String], fill: Option<[u8; 3]>| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&columns)
                .map(|(c, w)| layout.wrap(c, size, w - 2.0 * pad))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = lines as f32 * leading + 2.0 * pad;
            let top = layout.y;
            if let Some(color) = fill {
                layout.push(Op::Rect {
                    x: MARGIN,
                    y: top,
                    w: layout.content_width(),
                    h,
                    color,
                });
            }
            let mut x = MARGIN;
            for (cell, w) in wrapped.iter().zip(&columns) {
                for (n, line) in cell.iter().enumerate() {
                    layout.push(Op::Text {
                        x: x + pad,
                        y: top + pad + (n as f32 + 1.0) * leading - size * 0.3,
                        size,
                        color: INK,
                        text: line.clone(),
                    });
                }
                x += w;
            }
            layout.y = top + h;
            layout.push(Op::Line {
                x1: MARGIN,
                y1: layout.y,
                x2: layout.width - MARGIN,
                y2: layout.y,
                color: RULE,
            });
            h
        };
        self.ensure(3.0 * leading + 4.0 * pad);
        draw_row(self, &header, Some(HEADER_FILL));
        for row in rows {
            let lines = row
                .iter()
                .zip(&columns)
                .map(|(c, w)| self.wrap(c, size, w - 2.0 * pad).len())
                .max()
                .unwrap_or(1);
            let h = lines as f32 * leading + 2.0 * pad;
            if self.y + h > self.bottom() {
                self.new_page();
                draw_row(self, &header, Some(HEADER_FILL));
            }
            draw_row(self, row, None);
        }
        self.space(6.0);
    }

    /// An image across the content width (or less, to keep it on one page).
    pub(super) fn image(&mut self, image: image::RgbaImage) {
        let (pw, ph) = (image.width() as f32, image.height() as f32);
        if pw < 1.0 || ph < 1.0 {
            return;
        }
        let mut w = self.content_width();
        let mut h = w * ph / pw;
        let room = self.bottom() - MARGIN;
        if h > room {
            h = room;
            w = h * pw / ph;
        }
        self.ensure(h);
        self.push(Op::Image {
            x: MARGIN + (self.content_width() - w) / 2.0,
            y: self.y,
            w,
            h,
            image: Arc::new(image),
        });
        self.y += h + 8.0;
    }

    /// The PDF: every page with a footer (`title · page N of M`).
    pub(super) fn render(self, title: &str) -> Result<Vec<u8>, String> {
        let mut document = krilla::Document::new();
        let count = self.pages.len();
        for (n, ops) in self.pages.iter().enumerate() {
            let settings = PageSettings::from_wh(self.width, self.height).ok_or("bad page size")?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for op in ops {
                draw(&mut surface, self.fonts, op);
            }
            let footer = format!("{title} · page {} of {count}", n + 1);
            draw(
                &mut surface,
                self.fonts,
                &Op::Text {
                    x: MARGIN,
                    y: self.height - MARGIN + 6.0,
                    size: 7.5,
                    color: MUTED,
                    text: footer,
                },
            );
            surface.finish();
            page.finish();
        }
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .creator("raidmap".to_owned())
                .producer(format!("raidmap {}", env!("CARGO_PKG_VERSION"))),
        );
        document.finish().map_err(|e| format!("{e:?}"))
    }
}

fn fill(color: [u8; 3]) -> Fill {
    Fill {
        paint: rgb::Color::new(color[0], color[1], color[2]).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut krilla::surface::Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            color,
            text,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            let mut x = *x;
            for run in fonts.shape(text) {
                surface.draw_glyphs(
                    Point::from_xy(x, *y),
                    &run.glyphs,
                    fonts.pdf_font(&run),
                    &run.text,
                    *size,
                    false,
                );
                x += run.width_em * size;
            }
        }
        Op::Rect { x, y, w, h, color } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*color)));
                surface.draw_path(&path);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            color,
        } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1, *y1);
            path.line_to(*x2, *y2);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color[0], color[1], color[2]).into(),
                    width: 0.6,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Image { x, y, w, h, image } => {
            let pixels = Image::from_rgba8(image.as_raw().clone(), image.width(), image.height());
            if let Some(size) = Size::from_wh(*w, *h) {
                surface.push_transform(&Transform::from_translate(*x, *y));
                surface.draw_image(pixels, size);
                surface.pop();
            }
        }
    }
}

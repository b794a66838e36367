//! A small CPU rasteriser for egui's tessellated meshes, so map images are drawn without a
//! window or a GPU (the `render` command runs with no display). It does what egui's own
//! renderers do: textured triangles, vertex colours multiplied by the texture, premultiplied
//! alpha blended "over" in gamma (sRGB) space, per-primitive clip rectangles. Anti-aliasing
//! comes from epaint's feathering, as on screen.

use std::collections::HashMap;

use egui::epaint::textures::TexturesDelta;
use egui::epaint::{ClippedPrimitive, Primitive, TextureId, Vertex};
use egui::{Color32, ColorImage, ImageData};

/// The textures meshes refer to (the font atlas and any loaded images), kept up to date from
/// each pass's [`TexturesDelta`].
#[derive(Default)]
pub struct Textures {
    images: HashMap<TextureId, ColorImage>,
}

impl Textures {
    /// Apply a pass's new and changed textures (whole images and patches).
    pub fn apply(&mut self, delta: &TexturesDelta) {
        for (id, deltas) in &delta.set {
            for d in deltas {
                let ImageData::Color(image) = &d.image;
                match d.pos {
                    None => {
                        self.images.insert(*id, ColorImage::clone(image));
                    }
                    Some([x0, y0]) => {
                        let Some(target) = self.images.get_mut(id) else {
                            continue;
                        };
                        let [w, h] = image.size;
                        for y in 0..h {
                            for x in 0..w {
                                let (tx, ty) = (x0 + x, y0 + y);
                                if tx < target.size[0] && ty < target.size[1] {
                                    target.pixels[ty * target.size[0] + tx] =
                                        image.pixels[y * w + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        for id in &delta.free {
            self.images.remove(id);
        }
    }

    /// Bilinear sample at normalised `(u, v)`, premultiplied RGBA in 0–1; white for an
    /// unknown texture (as an untextured mesh samples egui's white texel).
    fn sample(&self, id: TextureId, u: f32, v: f32) -> [f32; 4] {
        let Some(image) = self.images.get(&id) else {
            return [1.0; 4];
        };
        let [w, h] = image.size;
        if w == 0 || h == 0 {
            return [1.0; 4];
        }
        let x = (u * w as f32 - 0.5).clamp(0.0, (w - 1) as f32);
        let y = (v * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let texel = |x: usize, y: usize| rgba(image.pixels[y * w + x]);
        let (a, b, c, d) = (texel(x0, y0), texel(x1, y0), texel(x0, y1), texel(x1, y1));
        std::array::from_fn(|i| {
            let top = a[i] + (b[i] - a[i]) * fx;
            let bottom = c[i] + (d[i] - c[i]) * fx;
            top + (bottom - top) * fy
        })
    }
}

fn rgba(c: Color32) -> [f32; 4] {
    c.to_array().map(|v| f32::from(v) / 255.0)
}

/// A canvas of premultiplied RGBA pixels in 0–1.
pub struct Canvas {
    pub width: usize,
    pub height: usize,
    pixels: Vec<[f32; 4]>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(width: usize, height: usize, background: Color32) -> Self {
        Self {
            width,
            height,
            pixels: vec![rgba(background); width * height],
        }
    }

    /// Paint tessellated primitives whose coordinates are in points (`pixels_per_point` pixels
    /// each), in order.
    pub fn paint(
        &mut self,
        primitives: &[ClippedPrimitive],
        textures: &Textures,
        pixels_per_point: f32,
    ) {
        for p in primitives {
            let Primitive::Mesh(mesh) = &p.primitive else {
                continue;
            };
            let clip = p.clip_rect;
            let clip = [
                (clip.min.x * pixels_per_point).round().max(0.0) as usize,
                (clip.min.y * pixels_per_point).round().max(0.0) as usize,
                ((clip.max.x * pixels_per_point).round().max(0.0) as usize).min(self.width),
                ((clip.max.y * pixels_per_point).round().max(0.0) as usize).min(self.height),
            ];
            if clip[0] >= clip[2] || clip[1] >= clip[3] {
                continue;
            }
            for tri in mesh.indices.chunks_exact(3) {
                let vertex = |i: u32| mesh.vertices.get(i as usize);
                if let (Some(a), Some(b), Some(c)) =
                    (vertex(tri[0]), vertex(tri[1]), vertex(tri[2]))
                {
                    self.triangle([a, b, c], mesh.texture_id, textures, pixels_per_point, clip);
                }
            }
        }
    }

    /// Fill one triangle: pixel centres inside it (top-left rule on shared edges, so meshes
    /// that share edges blend each pixel once).
    fn triangle(
        &mut self,
        v: [&Vertex; 3],
        texture: TextureId,
        textures: &Textures,
        ppp: f32,
        clip: [usize; 4],
    ) {
        let mut p = v.map(|v| (v.pos.x * ppp, v.pos.y * ppp));
        let mut v = v;
        let area = edge(p[0], p[1], p[2]);
        if area == 0.0 || !area.is_finite() {
            return;
        }
        if area < 0.0 {
            p.swap(1, 2);
            v.swap(1, 2);
        }
        let area = area.abs();
        let min_x = p.iter().map(|q| q.0).fold(f32::INFINITY, f32::min);
        let max_x = p.iter().map(|q| q.0).fold(f32::NEG_INFINITY, f32::max);
        let min_y = p.iter().map(|q| q.1).fold(f32::INFINITY, f32::min);
        let max_y = p.iter().map(|q| q.1).fold(f32::NEG_INFINITY, f32::max);
        let x0 = (min_x.floor().max(clip[0] as f32)) as usize;
        let x1 = (max_x.ceil().min(clip[2] as f32)).max(0.0) as usize;
        let y0 = (min_y.floor().max(clip[1] as f32)) as usize;
        let y1 = (max_y.ceil().min(clip[3] as f32)).max(0.0) as usize;
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let colors = v.map(|v| rgba(v.color));
        let white = v.iter().all(|v| v.uv == egui::epaint::WHITE_UV);
        // Edges: vertex k is opposite edge k (from p[k+1] to p[k+2]).
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
        let top_left = edges.map(|(a, b)| is_top_left(a, b));
        for y in y0..y1 {
            let py = y as f32 + 0.5;
            for x in x0..x1 {
                let px = x as f32 + 0.5;
                let mut w = [0.0f32; 3];
                let mut inside = true;
                for k in 0..3 {
                    let (a, b) = edges[k];
                    let e = edge(a, b, (px, py));
                    if e < 0.0 || (e == 0.0 && !top_left[k]) {
                        inside = false;
                        break;
                    }
                    w[k] = e / area;
                }
                if !inside {
                    continue;
                }
                let mut src: [f32; 4] = std::array::from_fn(|i| {
                    w[0] * colors[0][i] + w[1] * colors[1][i] + w[2] * colors[2][i]
                });
                if !white {
                    let u = w[0] * v[0].uv.x + w[1] * v[1].uv.x + w[2] * v[2].uv.x;
                    let t = w[0] * v[0].uv.y + w[1] * v[1].uv.y + w[2] * v[2].uv.y;
                    let texel = textures.sample(texture, u, t);
                    for i in 0..4 {
                        src[i] *= texel[i];
                    }
                }
                let dst = &mut self.pixels[y * self.width + x];
                let keep = 1.0 - src[3];
                for i in 0..4 {
                    dst[i] = src[i] + dst[i] * keep;
                }
            }
        }
    }

    /// The canvas as straight-alpha RGBA bytes, row by row.
    pub fn to_rgba8(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() * 4);
        for px in &self.pixels {
            let a = px[3].clamp(0.0, 1.0);
            let un = |c: f32| {
                let c = if a > 0.0 { c / a } else { 0.0 };
                (c.clamp(0.0, 1.0) * 255.0).round() as u8
            };
            out.extend_from_slice(&[un(px[0]), un(px[1]), un(px[2]), (a * 255.0).round() as u8]);
        }
        out
    }
}

/// Twice the signed area of (a, b, p): positive when p is on the inner side of a→b for a
/// triangle whose vertices run clockwise on screen (y down).
fn edge(a: (f32, f32), b: (f32, f32), p: (f32, f32)) -> f32 {
    (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0)
}

/// Whether an edge is a top or left edge (for the fill rule), for triangles with positive
/// [`edge`] area.
fn is_top_left(a: (f32, f32), b: (f32, f32)) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    (dy == 0.0 && dx < 0.0) || dy > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::Mesh;
    use egui::{Rect, pos2};

    fn primitive(mesh: Mesh) -> ClippedPrimitive {
        ClippedPrimitive {
            clip_rect: Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 100.0)),
            primitive: Primitive::Mesh(mesh),
        }
    }

    fn pixel(canvas: &Canvas, x: usize, y: usize) -> [u8; 4] {
        let bytes = canvas.to_rgba8();
        let i = (y * canvas.width + x) * 4;
        [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]
    }

    #[test]
    fn a_rectangle_of_two_triangles_covers_its_pixels_once() {
        let mut canvas = Canvas::new(10, 10, Color32::WHITE);
        let mut mesh = Mesh::default();
        // Half-transparent black: a pixel blended twice would come out darker.
        let color = Color32::from_black_alpha(128);
        mesh.add_colored_rect(Rect::from_min_max(pos2(2.0, 2.0), pos2(6.0, 8.0)), color);
        canvas.paint(&[primitive(mesh)], &Textures::default(), 1.0);
        let inside = pixel(&canvas, 3, 4);
        assert_eq!(inside[3], 255);
        assert!((126..=128).contains(&inside[0]), "{inside:?}");
        // Every inside pixel has the same colour (the diagonal is not blended twice).
        for y in 2..8 {
            for x in 2..6 {
                assert_eq!(pixel(&canvas, x, y), inside, "at {x},{y}");
            }
        }
        assert_eq!(pixel(&canvas, 1, 4), [255; 4]);
        assert_eq!(pixel(&canvas, 6, 4), [255; 4]);
        assert_eq!(pixel(&canvas, 3, 8), [255; 4]);
    }

    #[test]
    fn pixels_per_point_scales_and_clip_rects_cut() {
        let mut canvas = Canvas::new(20, 20, Color32::WHITE);
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(10.0, 10.0)),
            Color32::RED,
        );
        let mut p = primitive(mesh);
        p.clip_rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(5.0, 10.0));
        canvas.paint(&[p], &Textures::default(), 2.0);
        assert_eq!(pixel(&canvas, 9, 19), [255, 0, 0, 255]);
        assert_eq!(pixel(&canvas, 10, 5), [255; 4]);
    }

    #[test]
    fn textures_multiply_the_vertex_colour() {
        let mut textures = Textures::default();
        let mut delta = TexturesDelta::default();
        let image = ColorImage::new([2, 2], vec![Color32::from_rgb(0, 255, 0); 4]);
        delta.set.insert(
            TextureId::User(7),
            [egui::epaint::ImageDelta::full(
                image,
                egui::TextureOptions::NEAREST,
            )]
            .into(),
        );
        textures.apply(&delta);
        let mut mesh = Mesh::with_texture(TextureId::User(7));
        mesh.add_rect_with_uv(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 4.0)),
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::from_rgb(255, 255, 128),
        );
        let mut canvas = Canvas::new(4, 4, Color32::BLACK);
        canvas.paint(&[primitive(mesh)], &textures, 1.0);
        assert_eq!(pixel(&canvas, 1, 1), [0, 255, 0, 255]);
    }
}

//! Pictures pinned onto the map (`georef`), drawn warped into place: the image as a textured
//! mesh whose vertices are image points carried through the fitted transform to Web Mercator
//! and then to the screen. An affine transform is exact with one quad (Web Mercator to the
//! screen is affine too); a projective one is drawn as a 32 × 32 grid of quads, close to exact.
//! The window (with its own cached textures, `ui::imagery::pinned`), *Export image…* and
//! `raidmap render` all draw through [`pinned_mesh`]; [`pinned_images`] readies a document's
//! pictures for an image.

use egui::{Color32, Mesh, Pos2, Shape, TextureId, pos2};
use walkers::{Projector, lon_lat};

use crate::evidence::Store;
use crate::georef::Transform;
use crate::mercator::world_to_lon_lat;
use crate::model::Picture;

/// A picture placed on the map.
#[derive(Debug, Clone)]
pub struct PinnedImage {
    pub image: image::RgbaImage,
    /// Image pixels → Web Mercator world units.
    pub transform: Transform,
    /// 0 (invisible) to 1 (opaque).
    pub opacity: f32,
    /// Drawn over the data (else between the basemap and the data).
    pub above_data: bool,
}

/// Grid cells per side for a transform that is not affine.
const PROJECTIVE_CELLS: usize = 32;

/// The mesh of an image of `size` pixels placed by `transform`, textured with `texture`.
pub fn pinned_mesh(
    texture: TextureId,
    size: [u32; 2],
    transform: &Transform,
    projector: &Projector,
    opacity: f32,
) -> Mesh {
    let affine = transform.m[6] == 0.0 && transform.m[7] == 0.0;
    let cells = if affine { 1 } else { PROJECTIVE_CELLS };
    let tint = Color32::from_white_alpha((opacity.clamp(0.0, 1.0) * 255.0).round() as u8);
    let mut mesh = Mesh::with_texture(texture);
    let screen = |u: f64, v: f64| -> Option<Pos2> {
        let world = transform.apply([u * f64::from(size[0]), v * f64::from(size[1])])?;
        let (lon, lat) = world_to_lon_lat(world);
        Some(projector.project(lon_lat(lon, lat)).to_pos2())
    };
    for j in 0..cells {
        for i in 0..cells {
            let (u0, u1) = (i as f64 / cells as f64, (i + 1) as f64 / cells as f64);
            let (v0, v1) = (j as f64 / cells as f64, (j + 1) as f64 / cells as f64);
            let corners = [(u0, v0), (u1, v0), (u1, v1), (u0, v1)];
            let points: Option<Vec<Pos2>> = corners.iter().map(|&(u, v)| screen(u, v)).collect();
            let Some(points) = points else { continue };
            let base = mesh.vertices.len() as u32;
            for (p, (u, v)) in points.into_iter().zip(corners) {
                mesh.vertices.push(egui::epaint::Vertex {
                    pos: p,
                    uv: pos2(u as f32, v as f32),
                    color: tint,
                });
            }
            mesh.add_triangle(base, base + 1, base + 2);
            mesh.add_triangle(base, base + 2, base + 3);
        }
    }
    mesh
}

/// A picture whose image is a texture loaded already (the window keeps them between frames).
#[derive(Debug, Clone)]
pub struct PinnedTexture {
    pub texture: TextureId,
    /// The image's pixel width and height.
    pub size: [u32; 2],
    pub transform: Transform,
    pub opacity: f32,
    pub above_data: bool,
}

/// Paint a picture whose texture is loaded.
pub fn paint_texture(painter: &egui::Painter, projector: &Projector, pinned: &PinnedTexture) {
    let mesh = pinned_mesh(
        pinned.texture,
        pinned.size,
        &pinned.transform,
        projector,
        pinned.opacity,
    );
    painter.add(Shape::mesh(mesh));
}

/// Load the image as a texture and paint it; the handle must live until the frame is drawn.
pub fn paint_pinned(
    painter: &egui::Painter,
    projector: &Projector,
    pinned: &PinnedImage,
    name: &str,
) -> egui::TextureHandle {
    let size = [pinned.image.width(), pinned.image.height()];
    let color = egui::ColorImage::from_rgba_unmultiplied(
        [size[0] as usize, size[1] as usize],
        pinned.image.as_raw(),
    );
    let texture = painter
        .ctx()
        .load_texture(name, color, egui::TextureOptions::LINEAR);
    paint_texture(
        painter,
        projector,
        &PinnedTexture {
            texture: texture.id(),
            size,
            transform: pinned.transform,
            opacity: pinned.opacity,
            above_data: pinned.above_data,
        },
    );
    texture
}

/// The visible pictures of a document ready to draw in an image (decoded from `store`, fitted
/// through their pins), in drawing order; a picture that cannot be drawn (too few pins, its
/// image missing or unreadable) is left out and said why, one line each.
pub fn pinned_images(pictures: &[Picture], store: &Store) -> (Vec<PinnedImage>, Vec<String>) {
    let mut images = Vec::new();
    let mut problems = Vec::new();
    for picture in pictures.iter().filter(|p| p.visible) {
        let fitted = crate::georef::picture_fit(picture);
        let decoded = store
            .get(&picture.sha256)
            .ok_or_else(|| "its image is not in the project".to_owned())
            .and_then(|bytes| crate::georef::decode(bytes));
        match (fitted, decoded) {
            (Ok(fit), Ok(image)) => images.push(PinnedImage {
                image,
                transform: fit.transform,
                opacity: picture.opacity,
                above_data: picture.above_data,
            }),
            (Err(err), _) => problems.push(format!("{} is not drawn: {err}", picture.name)),
            (_, Err(err)) => problems.push(format!("{} is not drawn: {err}", picture.name)),
        }
    }
    (images, problems)
}

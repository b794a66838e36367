//! Thumbnails of attached images for the Feature tab: decoded (PNG, JPEG, WebP: the `image`
//! crate's formats in this build) and shrunk to at most [`SIZE`] pixels on a thread, so a
//! large photo does not hold up the window, then kept as a texture in egui's memory under the
//! attachment's SHA-256 (the same bytes always give the same picture). Nothing is written to
//! disk. A file that cannot be decoded gets no thumbnail.

use std::sync::{Arc, Mutex};

/// The longest side of a thumbnail, in pixels.
pub(crate) const SIZE: u32 = 160;

/// A thumbnail being made or made.
#[derive(Clone)]
enum Thumb {
    /// Decoding on a thread; `Some` once done (`Some(None)`: not an image it can decode).
    Decoding(Arc<Mutex<Option<Option<egui::ColorImage>>>>),
    Ready(Option<egui::TextureHandle>),
}

fn key(sha256: &str) -> egui::Id {
    egui::Id::unique(("raidmap-thumbnail", sha256))
}

/// The thumbnail of the image with `sha256` and `bytes`, once decoded (starts decoding on the
/// first call; asks for a repaint when it is ready).
pub(crate) fn thumbnail(
    ctx: &egui::Context,
    sha256: &str,
    bytes: &Arc<[u8]>,
) -> Option<egui::TextureHandle> {
    let id = key(sha256);
    let thumb = ctx.data(|d| d.get_temp::<Thumb>(id));
    match thumb {
        Some(Thumb::Ready(texture)) => texture,
        Some(Thumb::Decoding(slot)) => {
            let done = slot.lock().ok().and_then(|mut s| s.take());
            let image = done?;
            let texture = image.map(|image| {
                ctx.load_texture(
                    format!("thumbnail-{sha256}"),
                    image,
                    egui::TextureOptions::LINEAR,
                )
            });
            ctx.data_mut(|d| d.insert_temp(id, Thumb::Ready(texture.clone())));
            texture
        }
        None => {
            let slot = Arc::new(Mutex::new(None));
            ctx.data_mut(|d| d.insert_temp(id, Thumb::Decoding(slot.clone())));
            let (bytes, repaint) = (bytes.clone(), ctx.clone());
            let spawned = std::thread::Builder::new()
                .name("thumbnail".into())
                .spawn(move || {
                    let image = decode(&bytes);
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(image);
                    }
                    repaint.request_repaint();
                });
            if let Err(e) = spawned {
                log::warn!("cannot start a thread for a thumbnail: {e}");
                ctx.data_mut(|d| d.insert_temp(id, Thumb::Ready(None)));
            }
            None
        }
    }
}

/// The image shrunk to at most [`SIZE`] pixels a side, or `None` if it cannot be decoded.
fn decode(bytes: &[u8]) -> Option<egui::ColorImage> {
    let image = image::load_from_memory(bytes).ok()?;
    let small = image.thumbnail(SIZE, SIZE).to_rgba8();
    let size = [small.width() as usize, small.height() as usize];
    Some(egui::ColorImage::from_rgba_unmultiplied(
        size,
        small.as_raw(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_is_shrunk_and_other_bytes_give_nothing() {
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(640, 320, image::Rgba([200, 10, 10, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encodes");
        let thumb = decode(&png).expect("decodes");
        assert_eq!(thumb.size, [160, 80]);
        assert!(decode(b"%PDF-1.4").is_none());
    }
}

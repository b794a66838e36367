//! The images of the pictures pinned onto the map, for the window: each decoded from its PNG
//! or JPEG bytes on a thread (a large picture takes long enough to stall the window), then kept
//! as a texture by SHA-256; the window shows the picture when it is ready. A picture being
//! added is read and decoded on a thread too, before it joins the document.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::TextureHandle;
use image::RgbaImage;

use crate::evidence::Store;

/// A picture's image loaded as a texture.
pub struct Loaded {
    pub texture: TextureHandle,
    pub size: [u32; 2],
}

/// A picture's image, from its bytes to its texture.
enum Image {
    Decoding(Receiver<Result<RgbaImage, String>>),
    /// Decoded, made a texture when next shown.
    Decoded(RgbaImage),
    Ready(Loaded),
    /// Why it cannot be shown, in words.
    Failed(String),
}

/// What a picture's image is this frame.
pub enum Shown<'a> {
    Decoding,
    Ready(&'a Loaded),
    Failed(&'a str),
}

/// A picture file being read and decoded to be added: its bytes and pixels, or what went wrong.
pub(crate) type Added = Result<(Vec<u8>, RgbaImage), String>;

/// A picture file being added.
struct Adding {
    path: PathBuf,
    done: Receiver<Added>,
    /// Taken from `done` by [`PictureImages::wait`], not yet handed over.
    received: Option<Added>,
}

/// The pictures' images by SHA-256, and the picture file being added.
#[derive(Default)]
pub struct PictureImages {
    images: HashMap<String, Image>,
    adding: Option<Adding>,
}

impl PictureImages {
    /// The image with this SHA-256: decoding starts on a thread the first time it is asked
    /// for (the window repaints when it is done); a decoded one is made a texture.
    pub fn get(&mut self, ctx: &egui::Context, sha256: &str, store: &Store) -> Shown<'_> {
        let image =
            self.images
                .entry(sha256.to_owned())
                .or_insert_with(|| match store.get(sha256) {
                    None => Image::Failed("its image is not in the project".into()),
                    Some(bytes) => {
                        let bytes: Arc<[u8]> = bytes.clone();
                        match on_thread(ctx, "decode-picture", move || {
                            crate::georef::decode(&bytes)
                        }) {
                            Ok(rx) => Image::Decoding(rx),
                            Err(err) => Image::Failed(err),
                        }
                    }
                });
        if let Image::Decoding(rx) = image {
            match rx.try_recv() {
                Ok(Ok(decoded)) => *image = Image::Decoded(decoded),
                Ok(Err(err)) => *image = Image::Failed(err),
                Err(TryRecvError::Disconnected) => {
                    *image = Image::Failed("decoding it stopped unexpectedly".into());
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        if let Image::Decoded(decoded) = image {
            *image = Image::Ready(load(ctx, sha256, decoded));
        }
        match image {
            Image::Decoding(_) | Image::Decoded(_) => Shown::Decoding,
            Image::Ready(loaded) => Shown::Ready(loaded),
            Image::Failed(err) => Shown::Failed(err),
        }
    }

    /// Keep the decoded image of the picture with this SHA-256 (a picture just added).
    pub fn keep(&mut self, sha256: &str, image: RgbaImage) {
        self.images.insert(sha256.to_owned(), Image::Decoded(image));
    }

    /// Read and decode the picture file at `path` on a thread, to be added when done
    /// ([`Self::take_added`]). A file still being added is forgotten.
    pub fn start_adding(&mut self, ctx: &egui::Context, path: PathBuf) -> Result<(), String> {
        let read = path.clone();
        let done = on_thread(ctx, "read-picture", move || {
            let bytes = std::fs::read(&read).map_err(|e| format!("cannot read it: {e}"))?;
            let image = crate::georef::decode(&bytes)?;
            Ok((bytes, image))
        })?;
        self.adding = Some(Adding {
            path,
            done,
            received: None,
        });
        Ok(())
    }

    /// The picture file being read to be added.
    pub fn adding(&self) -> Option<&Path> {
        self.adding.as_ref().map(|a| a.path.as_path())
    }

    /// The picture file read and decoded to be added, once it is.
    pub fn take_added(&mut self) -> Option<(PathBuf, Added)> {
        let adding = self.adding.as_mut()?;
        let added = match adding.received.take() {
            Some(added) => added,
            None => match adding.done.try_recv() {
                Ok(added) => added,
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => Err("reading it stopped unexpectedly".into()),
            },
        };
        let path = self.adding.take()?.path;
        Some((path, added))
    }

    /// Wait until every image being decoded, and the file being added, is done (tests,
    /// `--bench-frames`).
    pub fn wait(&mut self) {
        for image in self.images.values_mut() {
            if let Image::Decoding(rx) = image {
                *image = match rx.recv() {
                    Ok(Ok(decoded)) => Image::Decoded(decoded),
                    Ok(Err(err)) => Image::Failed(err),
                    Err(_) => Image::Failed("decoding it stopped unexpectedly".into()),
                };
            }
        }
        if let Some(adding) = &mut self.adding
            && adding.received.is_none()
        {
            adding.received = Some(
                adding
                    .done
                    .recv()
                    .unwrap_or_else(|_| Err("reading it stopped unexpectedly".into())),
            );
        }
    }
}

/// Run `work` on a thread named `name`; the window repaints when it is done.
fn on_thread<T: Send + 'static>(
    ctx: &egui::Context,
    name: &str,
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<Receiver<Result<T, String>>, String> {
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let _ = tx.send(work());
            ctx.request_repaint();
        })
        .map_err(|e| format!("cannot start a thread to read it: {e}"))?;
    Ok(rx)
}

/// Decoded pixels as a texture.
fn load(ctx: &egui::Context, sha256: &str, image: &RgbaImage) -> Loaded {
    let size = [image.width(), image.height()];
    let color = egui::ColorImage::from_rgba_unmultiplied(
        [size[0] as usize, size[1] as usize],
        image.as_raw(),
    );
    let texture = ctx.load_texture(
        format!("pinned-{sha256}"),
        color,
        egui::TextureOptions::LINEAR,
    );
    Loaded { texture, size }
}

//! Frames into files: GIF (the `gif` crate's encoder, a palette per frame by NeuQuant),
//! animated WebP (lossless VP8L frames from `image-webp`, put into the WebP container's
//! `ANIM`/`ANMF` chunks here) and MP4 (H.264 by the `ffmpeg` command, when it is installed).
//!
//! Each format splits into [`prepare`] (run on the drawing threads: quantizing or compressing
//! a frame) and [`Sink::write`] (in frame order).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// An animation's file format, by the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gif,
    WebP,
    Mp4,
}

impl Format {
    /// `.gif`, `.webp` or `.mp4` (any case), sealed (`.gif.age`) or not.
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = crate::publish::unsealed_name(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match ext.as_str() {
            "gif" => Some(Format::Gif),
            "webp" => Some(Format::WebP),
            "mp4" => Some(Format::Mp4),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Gif => "GIF",
            Format::WebP => "WebP",
            Format::Mp4 => "MP4",
        }
    }
}

/// Why frames could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error(
        "MP4 needs the ffmpeg command with an H.264 encoder (libx264 or libopenh264), and {0}; write a .gif or .webp instead, or install ffmpeg"
    )]
    NoH264(String),
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(String),
    #[error("could not encode a {format} frame: {message}")]
    Frame {
        format: &'static str,
        message: String,
    },
    #[error("a frame is {0} × {1} pixels, too large for {2}")]
    TooLarge(u32, u32, &'static str),
    #[error("temporary file {}", .0.display())]
    Temp(PathBuf, #[source] std::io::Error),
}

/// A frame ready to be written.
pub(super) enum Prepared {
    Gif(gif::Frame<'static>),
    /// A VP8L bitstream (the payload of a `VP8L` chunk).
    WebP(Vec<u8>),
    /// RGBA pixels for ffmpeg.
    Raw(Vec<u8>),
}

/// Turn a frame's RGBA pixels into what the format writes. `delay_cs` is the frame's duration
/// in hundredths of a second (GIF's unit).
pub(super) fn prepare(
    format: Format,
    image: image::RgbaImage,
    delay_cs: u16,
) -> Result<Prepared, EncodeError> {
    let (w, h) = image.dimensions();
    match format {
        Format::Gif => {
            let (Ok(gw), Ok(gh)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(EncodeError::TooLarge(w, h, "GIF"));
            };
            let mut pixels = image.into_raw();
            // Speed 10 of 1..=30: NeuQuant's usual trade of quality for time.
            let mut frame = gif::Frame::from_rgba_speed(gw, gh, &mut pixels, 10);
            frame.delay = delay_cs;
            Ok(Prepared::Gif(frame))
        }
        Format::WebP => {
            if w > 16_384 || h > 16_384 {
                return Err(EncodeError::TooLarge(w, h, "WebP"));
            }
            // Frames are opaque: RGB, without an alpha channel to store.
            let rgb = image::DynamicImage::ImageRgba8(image).into_rgb8();
            let mut file = Vec::new();
            image_webp::WebPEncoder::new(&mut file)
                .encode(rgb.as_raw(), w, h, image_webp::ColorType::Rgb8)
                .map_err(|e| EncodeError::Frame {
                    format: "WebP",
                    message: e.to_string(),
                })?;
            vp8l_payload(&file).map(Prepared::WebP)
        }
        Format::Mp4 => Ok(Prepared::Raw(image.into_raw())),
    }
}

/// The `VP8L` chunk's payload of a simple (one-frame, no metadata) WebP file.
fn vp8l_payload(file: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let bad = || EncodeError::Frame {
        format: "WebP",
        message: "the encoder wrote an unexpected container".into(),
    };
    if file.len() < 20
        || &file[0..4] != b"RIFF"
        || &file[8..12] != b"WEBP"
        || &file[12..16] != b"VP8L"
    {
        return Err(bad());
    }
    let size = u32::from_le_bytes([file[16], file[17], file[18], file[19]]) as usize;
    file.get(20..20 + size).map(<[u8]>::to_vec).ok_or_else(bad)
}

/// Where frames go, in order.
pub(super) enum Sink {
    Gif(gif::Encoder<Vec<u8>>),
    WebP {
        width: u32,
        height: u32,
        duration_ms: u32,
        frames: Vec<Vec<u8>>,
    },
    Mp4 {
        child: Child,
        temp: PathBuf,
    },
}

impl Sink {
    /// Start a file of `width × height` frames at `fps` frames a second.
    pub(super) fn new(
        format: Format,
        width: u32,
        height: u32,
        fps: u32,
    ) -> Result<Sink, EncodeError> {
        match format {
            Format::Gif => {
                let (Ok(gw), Ok(gh)) = (u16::try_from(width), u16::try_from(height)) else {
                    return Err(EncodeError::TooLarge(width, height, "GIF"));
                };
                let mut encoder = gif::Encoder::new(Vec::new(), gw, gh, &[]).map_err(gif_error)?;
                encoder
                    .set_repeat(gif::Repeat::Infinite)
                    .map_err(gif_error)?;
                Ok(Sink::Gif(encoder))
            }
            Format::WebP => Ok(Sink::WebP {
                width,
                height,
                duration_ms: 1000 / fps.max(1),
                frames: Vec::new(),
            }),
            Format::Mp4 => start_ffmpeg(width, height, fps),
        }
    }

    /// Append the next frame.
    pub(super) fn write(&mut self, frame: Prepared) -> Result<(), EncodeError> {
        match (self, frame) {
            (Sink::Gif(encoder), Prepared::Gif(frame)) => {
                encoder.write_frame(&frame).map_err(gif_error)
            }
            (Sink::WebP { frames, .. }, Prepared::WebP(bitstream)) => {
                frames.push(bitstream);
                Ok(())
            }
            (Sink::Mp4 { child, .. }, Prepared::Raw(pixels)) => {
                let stdin = child
                    .stdin
                    .as_mut()
                    .ok_or_else(|| EncodeError::Ffmpeg("its input was closed".into()))?;
                stdin
                    .write_all(&pixels)
                    .map_err(|e| EncodeError::Ffmpeg(format!("it stopped reading frames ({e})")))
            }
            _ => Err(EncodeError::Frame {
                format: "animation",
                message: "a frame was prepared for another format".into(),
            }),
        }
    }

    /// The whole file's bytes.
    pub(super) fn finish(self) -> Result<Vec<u8>, EncodeError> {
        match self {
            Sink::Gif(encoder) => encoder.into_inner().map_err(|e| EncodeError::Frame {
                format: "GIF",
                message: e.to_string(),
            }),
            Sink::WebP {
                width,
                height,
                duration_ms,
                frames,
            } => Ok(webp_container(width, height, duration_ms, &frames)),
            Sink::Mp4 { mut child, temp } => {
                drop(child.stdin.take());
                let result = finish_ffmpeg(&mut child, &temp);
                let _ = std::fs::remove_file(&temp);
                result
            }
        }
    }

    /// Stop without a file (cancelled or failed): ends ffmpeg and removes its output.
    pub(super) fn abandon(self) {
        if let Sink::Mp4 { mut child, temp } = self {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&temp);
        }
    }
}

fn gif_error(e: gif::EncodingError) -> EncodeError {
    EncodeError::Frame {
        format: "GIF",
        message: e.to_string(),
    }
}

/// An animated WebP: `VP8X` (animation flag), `ANIM` (white background, loop forever) and
/// one `ANMF` per frame holding its `VP8L` chunk, each frame covering the whole canvas and
/// replacing the one before (no blending).
fn webp_container(width: u32, height: u32, duration_ms: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    fn u24(v: u32) -> [u8; 3] {
        let b = v.to_le_bytes();
        [b[0], b[1], b[2]]
    }
    fn chunk(out: &mut Vec<u8>, name: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(name);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
    }
    let mut body = Vec::new();
    body.extend_from_slice(b"WEBP");
    let mut vp8x = vec![0b0000_0010, 0, 0, 0];
    vp8x.extend_from_slice(&u24(width - 1));
    vp8x.extend_from_slice(&u24(height - 1));
    chunk(&mut body, b"VP8X", &vp8x);
    chunk(&mut body, b"ANIM", &[255, 255, 255, 255, 0, 0]);
    for bitstream in frames {
        let mut anmf = Vec::with_capacity(bitstream.len() + 26);
        anmf.extend_from_slice(&u24(0));
        anmf.extend_from_slice(&u24(0));
        anmf.extend_from_slice(&u24(width - 1));
        anmf.extend_from_slice(&u24(height - 1));
        anmf.extend_from_slice(&u24(duration_ms.min(0xFF_FFFF)));
        // Blending bit set: do not blend; disposal bit clear: keep.
        anmf.push(0b0000_0010);
        chunk(&mut anmf, b"VP8L", bitstream);
        chunk(&mut body, b"ANMF", &anmf);
    }
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// The H.264 encoder ffmpeg has, if any (libx264 preferred).
pub fn h264_encoder() -> Result<&'static str, EncodeError> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-encoders"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            EncodeError::NoH264(if e.kind() == std::io::ErrorKind::NotFound {
                "no ffmpeg command was found".to_owned()
            } else {
                format!("ffmpeg could not be run ({e})")
            })
        })?;
    let list = String::from_utf8_lossy(&output.stdout);
    let has = |name: &str| list.split_whitespace().any(|w| w == name);
    ["libx264", "libopenh264"]
        .into_iter()
        .find(|name| has(name))
        .ok_or_else(|| EncodeError::NoH264("this ffmpeg has no H.264 encoder".into()))
}

fn start_ffmpeg(width: u32, height: u32, fps: u32) -> Result<Sink, EncodeError> {
    let encoder = h264_encoder()?;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp =
        std::env::temp_dir().join(format!("raidmap-animation-{}-{n}.mp4", std::process::id()));
    let size = format!("{width}x{height}");
    let rate = fps.to_string();
    let child = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args([
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", &size, "-r", &rate, "-i", "-",
        ])
        // H.264 in 4:2:0 needs even sides: pad an odd one with one white row or column.
        .args(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2:0:0:white"])
        .args([
            "-c:v",
            encoder,
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
        ])
        .arg(&temp)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| EncodeError::Ffmpeg(format!("could not be started ({e})")))?;
    Ok(Sink::Mp4 { child, temp })
}

fn finish_ffmpeg(child: &mut Child, temp: &Path) -> Result<Vec<u8>, EncodeError> {
    let mut message = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut message);
    }
    let status = child
        .wait()
        .map_err(|e| EncodeError::Ffmpeg(e.to_string()))?;
    if !status.success() {
        return Err(EncodeError::Ffmpeg(format!("{status}: {}", message.trim())));
    }
    std::fs::read(temp).map_err(|e| EncodeError::Temp(temp.to_owned(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(Format::of_path(Path::new("a.GIF")), Some(Format::Gif));
        assert_eq!(Format::of_path(Path::new("a.webp")), Some(Format::WebP));
        assert_eq!(Format::of_path(Path::new("x/a.mp4")), Some(Format::Mp4));
        assert_eq!(Format::of_path(Path::new("a.png")), None);
        assert_eq!(Format::of_path(Path::new("gif")), None);
        assert_eq!(Format::of_path(Path::new("a.gif.age")), Some(Format::Gif));
        assert_eq!(Format::of_path(Path::new("a.age")), None);
    }

    #[test]
    fn an_animated_webp_decodes_back_frame_by_frame() {
        let colours = [[200u8, 30, 30, 255], [30, 200, 30, 255], [30, 30, 200, 255]];
        let mut sink = Sink::new(Format::WebP, 9, 5, 4).expect("sink");
        for c in colours {
            let image = image::RgbaImage::from_pixel(9, 5, image::Rgba(c));
            sink.write(prepare(Format::WebP, image, 25).expect("frame"))
                .expect("write");
        }
        let bytes = sink.finish().expect("file");
        let mut decoder =
            image_webp::WebPDecoder::new(std::io::Cursor::new(bytes)).expect("a WebP file");
        assert!(decoder.is_animated());
        assert_eq!(decoder.num_frames(), 3);
        assert_eq!(decoder.dimensions(), (9, 5));
        let mut buf = vec![0; decoder.output_buffer_size().expect("size")];
        for c in colours {
            let duration = decoder.read_frame(&mut buf).expect("a frame");
            assert_eq!(duration, 250);
            assert_eq!(&buf[..3], &c[..3]);
        }
    }

    #[test]
    fn a_gif_has_every_frame_with_its_delay() {
        let mut sink = Sink::new(Format::Gif, 6, 4, 2).expect("sink");
        for v in [0u8, 128, 255] {
            let image = image::RgbaImage::from_pixel(6, 4, image::Rgba([v, v, v, 255]));
            sink.write(prepare(Format::Gif, image, 50).expect("frame"))
                .expect("write");
        }
        let bytes = sink.finish().expect("file");
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options
            .read_info(std::io::Cursor::new(bytes))
            .expect("a GIF");
        let mut delays = Vec::new();
        while let Some(frame) = decoder.read_next_frame().expect("a frame") {
            delays.push(frame.delay);
        }
        assert_eq!(delays, [50, 50, 50]);
    }
}

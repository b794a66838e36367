//! `raidmap animate --out FILE.gif|.webp|.mp4 [--from DATE] [--to DATE] [--step 1d|1w|1mo]
//! [--mode accumulate|window:N] [--fps N] [--width W] [--height H] [--bbox W,S,E,N]
//! [FILE|PROJECT...]`: the map through time, one frame per step ([`crate::publish::animate`]).

use std::path::PathBuf;
use std::process::ExitCode;

use geo::Rect;

use crate::cli::coverage::{parse_from, parse_to};
use crate::cli::{EXIT_BAD_INPUT, EXIT_USAGE};
use crate::publish::animate::{self, AnimateError, Format, Job, Mode, Options, Step};
use crate::publish::draw::{MAX_SIDE_PX, parse_bbox};
use crate::timeline::Day;

/// Animate the map through time: one frame per step, the date written on each.
#[derive(Debug, clap::Args)]
#[command(after_long_help = format!("{HELP}\n\n{}", crate::cli::publish_output::HELP))]
pub struct Args {
    /// The file to write: .gif, .webp (animated) or .mp4 (H.264, needs ffmpeg).
    #[arg(short = 'o', long, value_name = "FILE", value_parser = parse_out)]
    pub out: PathBuf,
    /// The first frame's day (YYYY-MM-DD; default: the first day with an event).
    #[arg(long, value_name = "DATE", value_parser = parse_from)]
    pub from: Option<Day>,
    /// The last frame's day, included (default: the last day with an event).
    #[arg(long, value_name = "DATE", value_parser = parse_to)]
    pub to: Option<Day>,
    /// Days, weeks or months between frames: 1d, 1w, 1mo (or 3d, 2w, …).
    #[arg(long, value_name = "STEP", default_value = "1d", value_parser = Step::parse)]
    pub step: Step,
    /// `accumulate` (each frame shows everything from --from to its day) or `window:N` (the
    /// last N steps up to its day).
    #[arg(long, value_name = "MODE", default_value = "accumulate", value_parser = Mode::parse)]
    pub mode: Mode,
    /// Frames a second.
    #[arg(long, value_name = "N", default_value_t = animate::DEFAULT_FPS,
          value_parser = clap::value_parser!(u32).range(1..=60))]
    pub fps: u32,
    /// Frame width in pixels.
    #[arg(long, value_name = "W", default_value_t = animate::DEFAULT_SIZE_PX[0],
          value_parser = clap::value_parser!(u32).range(16..=i64::from(MAX_SIDE_PX)))]
    pub width: u32,
    /// Frame height in pixels.
    #[arg(long, value_name = "H", default_value_t = animate::DEFAULT_SIZE_PX[1],
          value_parser = clap::value_parser!(u32).range(16..=i64::from(MAX_SIDE_PX)))]
    pub height: u32,
    /// The area to show, in degrees: west,south,east,north. Without it the frames fit the
    /// layers.
    #[arg(long, value_name = "W,S,E,N", value_parser = parse_bbox, allow_hyphen_values = true)]
    pub bbox: Option<Rect<f64>>,
    /// The title written above the date (default: the names of the layers).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    #[command(flatten)]
    pub seal: crate::cli::publish_output::SealArgs,
    /// Layers (GeoJSON, KML/KMZ, CSV/TSV) or `.raidmap` projects; none: the bundled sample.
    pub files: Vec<PathBuf>,
}

const HELP: &str = "\
Frames run from --from to --to, both included: --from 2025-07-10 --to 2025-07-19 --step 1d is
10 frames; when the last day is not a whole number of steps after the first, it is a frame of
its own. Each frame is the map as `raidmap render` draws it (styles, legend, scale bar,
credits) with only the dated features of its window: with --mode accumulate, from --from to
the frame's day; with --mode window:N, the N steps up to it. Layers without dates are on every
frame. The frame's date (or window) is written under the title.

Frames are drawn in parallel on all cores. GIF and WebP are written by pure-Rust encoders;
MP4 (H.264) needs the ffmpeg command with libx264 or libopenh264, and says so when it is
missing. The file is written atomically: a failure or Ctrl-C leaves an existing file as it was.

Exit status: 0 written, 1 an input is invalid, no layer has dates, or the file could not be
written (no H.264 encoder for .mp4), 2 usage errors (a bad date, step, mode, size or bbox, an
output that is not .gif, .webp or .mp4, --from after --to, too many frames, an encrypted MP4).";

fn parse_out(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match Format::of_path(&path) {
        Some(_) => Ok(path),
        None => Err(format!(
            "{text:?}: the file must end in .gif, .webp or .mp4 (or .gif.age, .webp.age)"
        )),
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let Some(format) = Format::of_path(&args.out) else {
        return Ok(ExitCode::from(EXIT_USAGE));
    };
    let out = match crate::cli::publish_output::Out::new(&args.out, &args.seal) {
        Ok(out) => out,
        Err(code) => return Ok(code),
    };
    if format == Format::Mp4 && out.seal.is_some() {
        eprintln!(
            "raidmap animate: an MP4 cannot be written encrypted: ffmpeg writes the video to a \
             temporary file on disk before raidmap could encrypt it (write .gif.age or \
             .webp.age instead)"
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        eprintln!("raidmap animate: --from {from} is after --to {to}");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if format == Format::Mp4
        && let Err(err) = animate::h264_encoder()
    {
        eprintln!("raidmap animate: {err}");
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let Some(scene) =
        crate::cli::publishing::publish_inputs::read("animate", &args.files, true, &out)
    else {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    };
    let options = Options {
        from: args.from,
        to: args.to,
        step: args.step,
        mode: args.mode,
        fps: args.fps,
        width_px: args.width,
        height_px: args.height,
        bbox: args.bbox,
        title: args.title.clone(),
    };
    let frames = match animate::plan(&scene, &options) {
        Ok(frames) => frames,
        Err(AnimateError::Plan(err)) => {
            eprintln!("raidmap animate: {err}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
        Err(err) => {
            eprintln!("raidmap animate: {err}");
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    let job = Job::default();
    let started = std::time::Instant::now();
    if let Err(err) = animate::animate(&scene, &frames, &options, format, out.output(), &job) {
        eprintln!(
            "raidmap animate: no animation written to {}: {}",
            args.out.display(),
            crate::tiles::describe(&err)
        );
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    eprintln!(
        "raidmap: wrote {} frames of {}×{} pixels ({}, {} to {}) to {} in {:.1} s",
        frames.len(),
        args.width,
        args.height,
        format.name(),
        frames
            .first()
            .map(|f| f.day.to_string())
            .unwrap_or_default(),
        frames.last().map(|f| f.day.to_string()).unwrap_or_default(),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

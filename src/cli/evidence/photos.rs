//! `raidmap photos DIR_OR_FILES... -o photos.geojson`: a point layer from geotagged photos.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::evidence::{Evidence, photos};
use crate::project::{self, SaveLayer, Settings};

/// Make a point layer from photos' EXIF GPS positions (JPEG, PNG, TIFF, HEIC, WebP): one point
/// per photo with `taken_at` (DateTimeOriginal with its UTC offset; without an offset the
/// camera's local time is kept and `taken_at_note` says so), `direction_deg` when recorded,
/// `camera_make`, `camera_model`, `file` and `sha256`.
///
/// With OUT ending in `.geojson` each point lists its photo as an `attachments` member (name,
/// sha256, bytes, media_type, added); with OUT ending in `.raidmap` a project is written with
/// the photos themselves attached to their points. Photos without a position are listed on
/// stderr, one per line with the reason, and left out.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Photo files, or folders whose photo files (by extension) are read.
    #[arg(required = true, value_name = "DIR_OR_FILES")]
    pub inputs: Vec<PathBuf>,
    /// The layer to write (`.geojson`) or a project (`.raidmap`).
    #[arg(short = 'o', long = "output", required = true)]
    pub output: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let user = crate::evidence::default_user();
    let read = photos::read(&args.inputs, &user).into_layer("photos");
    for (path, why) in &read.unplaced {
        eprintln!("{}: not placed: {why}", path.display());
    }
    let mut layer = read.layer;
    let mut evidence = Evidence::default();
    photos::keep(read.files, &mut evidence, &user);
    let count = layer.features.len();
    if project::is_project_file(&args.output) {
        layer.name = "photos.geojson".into();
        let save = SaveLayer {
            layer: &layer,
            visible: true,
            style: None,
            embed: true,
        };
        project::save(&args.output, &[save], &Settings::default(), &evidence)?;
    } else {
        crate::evidence::export::write_file(&[&layer], &args.output, None)?;
    }
    eprintln!(
        "raidmap: wrote {count} photo point{} to {} ({} without a position)",
        if count == 1 { "" } else { "s" },
        args.output.display(),
        read.unplaced.len()
    );
    Ok(ExitCode::SUCCESS)
}

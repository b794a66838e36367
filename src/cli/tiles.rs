//! `raidmap tiles save --source SOURCE --bbox W,S,E,N --zoom MIN-MAX -o FILE.mbtiles`: save an
//! area of a tile source into an MBTiles file for offline use (`tiles::save`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::{EXIT_BAD_INPUT, EXIT_USAGE};
use crate::tiles::save::{self, Control, Plan, Request, plan};
use crate::tiles::{Source, describe};

/// Work with tile sources.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TilesCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TilesCommand {
    /// Save the tiles of an area into an MBTiles file for offline use.
    Save(SaveArgs),
}

/// Save the tiles of an area into an MBTiles file, which then works as a basemap with no
/// network (`--basemap FILE.mbtiles`).
#[derive(Debug, clap::Args)]
#[command(after_long_help = SAVE_HELP)]
pub struct SaveArgs {
    /// Where the tiles come from: an XYZ tile URL template or a `.mbtiles`/`.pmtiles` file
    /// (the built-in online sources are refused; see below).
    #[arg(long, value_name = "SOURCE", value_parser = super::parse_basemap)]
    pub source: Source,
    /// The area, in degrees: west,south,east,north.
    #[arg(long, value_name = "W,S,E,N", value_parser = plan::parse_bbox, allow_hyphen_values = true)]
    pub bbox: [f64; 4],
    /// Zoom levels, first and last: e.g. `10-16`.
    #[arg(long, value_name = "MIN-MAX", value_parser = plan::parse_zooms)]
    pub zoom: std::ops::RangeInclusive<u8>,
    /// The MBTiles file to write. If it holds an earlier save of the same source, only the
    /// tiles it lacks are downloaded.
    #[arg(short = 'o', long = "out", value_name = "FILE.mbtiles")]
    pub out: PathBuf,
}

const SAVE_HELP: &str = "\
The number of tiles and an estimate of their size are printed first; then progress every
second. Tiles come one at a time, at most 4 a second from a server on another machine. Ctrl-C
(or a lost connection) leaves a valid file with every tile saved so far: run the same command
again to fill in the rest.

Refused: OpenStreetMap's, Esri's (satellite and Wayback) and OpenTopoMap's tile servers, whose
terms forbid downloading areas in bulk (also when their URL is typed), and the built-in offline
basemap (already offline). Allowed: any other URL you type, servers on this machine, and
.mbtiles/.pmtiles files.

Exit status: 0 every tile the source has is saved, 1 refused, some tiles failed (run again) or
the file cannot be written, 2 usage errors (a bad box, zoom range or source).";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        TilesCommand::Save(args) => run_save(args),
    }
}

fn run_save(args: &SaveArgs) -> anyhow::Result<ExitCode> {
    if let Some(reason) = save::policy::refusal(&args.source) {
        eprintln!(
            "raidmap: {} cannot be saved for offline use: {reason}",
            args.source.label()
        );
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let plan = match Plan::new(args.bbox, args.zoom.clone()) {
        Ok(plan) => plan,
        Err(err) => {
            eprintln!("raidmap: {err}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    eprintln!(
        "raidmap: {} tiles at zoom {}–{}, about {} if none are in {} yet",
        plan.count(),
        args.zoom.start(),
        args.zoom.end(),
        megabytes(plan.estimate_bytes(plan::TYPICAL_TILE_BYTES)),
        args.out.display()
    );
    let request = Request {
        source: args.source.clone(),
        plan,
        out: args.out.clone(),
    };
    let control = Arc::new(Control::default());
    let worker = {
        let control = control.clone();
        std::thread::spawn(move || save::save(&request, &control))
    };
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(200));
        let (done, total) = control.done();
        if total > 0 && !worker.is_finished() {
            eprintln!(
                "raidmap: {done} of {total} tiles ({} downloaded)",
                megabytes(control.bytes.load(std::sync::atomic::Ordering::Relaxed))
            );
            std::thread::sleep(Duration::from_millis(800));
        }
    }
    let result = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the save stopped unexpectedly"))?;
    match result {
        Ok(report) => {
            eprintln!(
                "raidmap: {}: {} tiles saved now ({}), {} were there already, {} not at the source{}",
                args.out.display(),
                report.saved,
                megabytes(report.bytes),
                report.already,
                report.absent,
                if report.failed > 0 {
                    format!(
                        ", {} failed: run the same command again to fill them in",
                        report.failed
                    )
                } else {
                    String::new()
                }
            );
            Ok(if report.complete() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_BAD_INPUT)
            })
        }
        Err(err) => {
            eprintln!("raidmap: {}", describe(&err));
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

/// Bytes as megabytes with one decimal ("2.4 MB").
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

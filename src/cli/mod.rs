//! The command line: `raidmap [FILE...]` opens the GUI; subcommands do the same work in scripts.
//!
//! Exit codes: 0 ok, 1 bad input (a file that is not valid GeoJSON, a place that cannot be
//! found), 2 usage (unknown flags, missing arguments). Each subcommand has one `Args` struct and
//! one `run()` in its own module; doc comments become `--help`.

mod case;
pub mod coverage;
pub mod diff;
pub mod evidence;
pub mod export;
pub mod info;
pub mod measuring;
pub mod merge;
pub mod publish_output;
pub mod publishing;
pub mod render;
pub mod tiles;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use evidence::{attach, decrypt, encrypt, log, photos};
use measuring::{area, distances, measure};
use publishing::{animate, publish, report};

/// raidmap: an offline map for tracking online-scam compounds and police raids.
///
/// Without a subcommand it opens the map window on the given GeoJSON files, or on the bundled
/// sample data when none are given.
#[derive(Debug, Parser)]
#[command(name = "raidmap", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files to open in the map window: any format raidmap reads (GeoJSON, KML/KMZ, CSV/TSV,
    /// GPX, Shapefile, GeoPackage, FlatGeobuf, TopoJSON), a `.raidmap` project, or a database
    /// table address.
    pub files: Vec<PathBuf>,
    /// The basemap to start the map window with. SOURCE is `offline` (the default: built in,
    /// nothing is sent over the network), `osm` (OpenStreetMap), `satellite` (Esri World
    /// Imagery), `topo` (OpenTopoMap), an XYZ tile URL template such as
    /// `https://tiles.example.org/{z}/{x}/{y}.png` (`{-y}` for TMS rows, `{s}` for a/b/c
    /// subdomains), or the path of a `.mbtiles` or `.pmtiles` file. `osm`, `satellite`, `topo`
    /// and templates download tiles from their servers. Overrides the basemap remembered from
    /// the last run.
    #[arg(long, value_name = "SOURCE", value_parser = parse_basemap)]
    pub basemap: Option<crate::tiles::Source>,
    /// Benchmark instead of opening the window: run the map without a window for N frames at
    /// 60 a second, panning and zooming along a fixed path while FILES are read, and print
    /// `{"frames":N,"ui_ms_p50":…,"ui_ms_p95":…,"ui_ms_max":…,"load_s":…}` (CPU time of the
    /// app's update and tessellation per frame, in ms; seconds until the files were loaded).
    #[arg(long, value_name = "N")]
    pub bench_frames: Option<usize>,
    /// An age identity file (`age-keygen` output) to open encrypted projects and layers with
    /// (repeatable). A passphrase is read from RAIDMAP_PASSPHRASE, or asked for on a terminal.
    #[arg(long, value_name = "FILE", global = true)]
    pub identity: Vec<PathBuf>,
}

/// `--basemap`'s value, fully checked (a file is opened and read) so a mistake stops the
/// program with exit code 2 before any window opens.
pub(crate) fn parse_basemap(value: &str) -> Result<crate::tiles::Source, String> {
    crate::tiles::Source::parse(value).map_err(|err| crate::tiles::describe(&err))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read and check layer files (GeoJSON by RFC 7946, and every other format raidmap reads),
    /// projects and database tables, and summarize each one.
    Info(info::Args),
    /// Measure the geodesic distance between two features or coordinates, or along a path.
    Measure(measure::Args),
    /// Distances and bearings from one place to every feature, nearest first.
    Distances(distances::Args),
    /// Geodesic area and perimeter of a Polygon or MultiPolygon feature.
    Area(area::Args),
    /// Write layers as GeoJSON, CSV, GPX, Shapefile, GeoPackage or FlatGeobuf (several inputs
    /// merge into one layer), or into a database table.
    Export(export::Args),
    /// Which sites a raid came near in a window of days, and which were left untouched.
    Coverage(coverage::Args),
    /// Draw the map as a PNG image (no window or display needed): legend, scale bar, north
    /// arrow, title and attribution.
    Render(Box<render::Args>),
    /// Tile sources: `tiles save` saves an area of one into an MBTiles file for offline use.
    Tiles(tiles::Args),
    /// Attach files to a feature of a project (stored by SHA-256, recorded in the custody log).
    Attach(attach::Args),
    /// A point layer from geotagged photos (EXIF GPS position, time, direction, camera).
    Photos(photos::Args),
    /// Print a project's custody log (attached, removed, exported, verified, encrypted, …).
    Log(log::Args),
    /// Encrypt a project (attachments included) or a layer in the age format.
    Encrypt(encrypt::Args),
    /// Decrypt an encrypted project or layer.
    Decrypt(decrypt::Args),
    /// Animate the map through time (GIF, WebP or MP4), one frame per day, week or month.
    Animate(animate::Args),
    /// Write a case report as PDF: sites with coverage and distances, raids, measurements,
    /// sources.
    Report(report::Args),
    /// Write a web map as one self-contained HTML file that works with no network.
    Publish(publish::Args),
    /// Compare two versions of a layer: features added, removed and changed, property by
    /// property.
    Diff(diff::Args),
    /// Three-way merge: THEIRS' changes into OURS, both edited from BASE, conflicts listed.
    Merge(merge::Args),
}

/// Exit code for bad input.
pub const EXIT_BAD_INPUT: u8 = 1;
/// Exit code for a usage error.
pub const EXIT_USAGE: u8 = 2;

/// Run a subcommand and turn its outcome into an exit code, printing errors on stderr.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Info(args) => info::run(&args),
        Command::Measure(args) => measure::run(&args),
        Command::Distances(args) => distances::run(&args),
        Command::Area(args) => area::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Coverage(args) => coverage::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Tiles(args) => tiles::run(&args),
        Command::Attach(args) => attach::run(&args),
        Command::Photos(args) => photos::run(&args),
        Command::Log(args) => log::run(&args),
        Command::Encrypt(args) => encrypt::run(&args),
        Command::Decrypt(args) => decrypt::run(&args),
        Command::Animate(args) => animate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Merge(args) => merge::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("raidmap: {err:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

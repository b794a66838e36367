//! `raidmap publish PROJECT|FILES... -o map.html [--title T]`: the web map in one
//! self-contained HTML file ([`crate::publish::webmap`]).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::EXIT_BAD_INPUT;
use crate::publish::webmap::{self, Options};

/// Write a web map that opens in any browser with no network: one HTML file.
#[derive(Debug, clap::Args)]
#[command(after_long_help = format!("{HELP}\n\n{}", crate::cli::publish_output::HELP))]
pub struct Args {
    /// The HTML file to write (atomically).
    #[arg(short = 'o', long = "out", value_name = "map.html")]
    pub out: PathBuf,
    /// The title (default: the names of the layers).
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    #[command(flatten)]
    pub seal: crate::cli::publish_output::SealArgs,
    /// A `.raidmap` project or layer files (GeoJSON, KML/KMZ, CSV/TSV).
    #[arg(required = true, value_name = "PROJECT|FILES")]
    pub files: Vec<PathBuf>,
}

const HELP: &str = "\
The page holds everything: the visible layers with their styles, the offline basemap of
Cambodia (land, countries, provinces, rivers, lakes, coastline, place names), the legend, a
search box (by name), a slider for the time window (dated features outside it are hidden),
the kept measurements and the credits, and Leaflet 1.9.4 (BSD-2-Clause). It makes no network
request at all (its Content-Security-Policy forbids loading anything), so it works from a USB
stick or as an e-mail attachment. Click a feature for its properties.

Exit status: 0 written, 1 an input is invalid or the file could not be written (an existing file
is then unchanged), 2 usage errors.";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let out = match crate::cli::publish_output::Out::new(&args.out, &args.seal) {
        Ok(out) => out,
        Err(code) => return Ok(code),
    };
    let Some(scene) =
        crate::cli::publishing::publish_inputs::read("publish", &args.files, false, &out)
    else {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    };
    let options = Options {
        title: args.title.clone(),
    };
    match webmap::write_webmap(&scene, &options, out.output()) {
        Ok(bytes) => {
            eprintln!(
                "raidmap: wrote the web map to {} ({} kB)",
                args.out.display(),
                bytes.div_ceil(1000)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!(
                "raidmap publish: no web map written: {}",
                crate::tiles::describe(&err)
            );
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

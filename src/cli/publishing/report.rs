//! `raidmap report PROJECT|FILES... -o report.pdf [--title T] [--radius-km R] [--from D --to D]
//! [--paper a4|letter]`: the case report as PDF ([`crate::publish::report`]).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::coverage::{parse_from, parse_radius_km, parse_to};
use crate::cli::{EXIT_BAD_INPUT, EXIT_USAGE};
use crate::publish::report::{self, Options, Paper};
use crate::timeline::{Day, Window};

/// Write a case report as PDF: sites, raids, distances, measurements and sources.
#[derive(Debug, clap::Args)]
#[command(after_long_help = format!("{HELP}\n\n{}", crate::cli::publish_output::HELP))]
pub struct Args {
    /// The PDF to write (atomically).
    #[arg(short = 'o', long = "out", value_name = "report.pdf")]
    pub out: PathBuf,
    /// The title (default: the names of the layers).
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// A raid within this geodesic distance of a site covers it (kilometres).
    #[arg(long = "radius-km", value_name = "R", default_value_t = report::DEFAULT_RADIUS_KM,
          value_parser = parse_radius_km)]
    pub radius_km: f64,
    /// First day of the time window (YYYY-MM-DD or YYYY-MM), included; default: the project's.
    #[arg(long, value_name = "D", value_parser = parse_from)]
    pub from: Option<Day>,
    /// Last day of the time window, included.
    #[arg(long, value_name = "D", value_parser = parse_to)]
    pub to: Option<Day>,
    /// Paper size: a4 or letter.
    #[arg(long, value_name = "SIZE", default_value = "a4", value_parser = Paper::parse)]
    pub paper: Paper,
    #[command(flatten)]
    pub seal: crate::cli::publish_output::SealArgs,
    /// A `.raidmap` project or layer files (GeoJSON, KML/KMZ, CSV/TSV).
    #[arg(required = true, value_name = "PROJECT|FILES")]
    pub files: Vec<PathBuf>,
}

const HELP: &str = "\
The report has a title page (title, when it was made, every data file with its SHA-256, the
time window and the method: geodesic distances on the WGS84 ellipsoid, Karney's algorithm),
the map as `raidmap render` draws it with the raids of the window, a table of sites (name,
province, status, coverage class, nearest raid in the window and its distance, raids within
R), a table of the raids in the window (date, place, detained), the kept measurements, every
source cited (publisher, title, date, URL) and the precision notes of approximate positions.

Sites are the first visible layer without dates, raids the first with dates. Text is real text
(selectable and searchable); the fonts (Noto Sans, Noto Sans Khmer) are embedded, and Khmer is
shaped. A time window given with --from/--to replaces the project's.

Exit status: 0 written, 1 an input is invalid or the PDF could not be written (an existing file
is then unchanged), 2 usage errors (a bad date, radius or paper size, --from after --to).";

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        eprintln!("raidmap report: --from {from} is after --to {to}");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let out = match crate::cli::publish_output::Out::new(&args.out, &args.seal) {
        Ok(out) => out,
        Err(code) => return Ok(code),
    };
    let Some(scene) =
        crate::cli::publishing::publish_inputs::read("report", &args.files, false, &out)
    else {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    };
    let window = (args.from.is_some() || args.to.is_some()).then_some(Window {
        from: args.from,
        to: args.to,
    });
    let options = Options {
        title: args.title.clone(),
        radius_km: args.radius_km,
        window,
        paper: args.paper,
        area: None,
    };
    match report::write_report(&scene, &options, out.output()) {
        Ok(content) => {
            eprintln!(
                "raidmap: wrote the report to {} ({} sites, {} raids, {} sources)",
                args.out.display(),
                content.sites.len(),
                content.raids.len(),
                content.sources.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!(
                "raidmap report: no report written: {}",
                crate::tiles::describe(&err)
            );
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

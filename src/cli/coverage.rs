//! `raidmap coverage [--json|--csv] --sites FILE --raids FILE --radius-km R [--from DATE]
//! [--to DATE] [--date-field NAME] [--geojson OUT]`: which sites a raid came near in a window
//! of days, and which were left untouched.
//!
//! The rules are [`crate::coverage::classify`]'s; the output shapes are documented in `--help`
//! and relied on by scripts: change them only by adding keys.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::EXIT_BAD_INPUT;
use super::info::report_problems;
use crate::coverage::{self, Coverage, Status};
use crate::io;
use crate::measure::{self, format_distance};
use crate::model::Layer;
use crate::timeline::{self, Day, LayerTimes, TimeField, Window};

/// Which sites a raid came near in a window of days, and which were left untouched.
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// Print one JSON object (shape in `--help`) instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV, one row per site, instead of a table.
    #[arg(long)]
    pub csv: bool,
    /// Layer of sites (compounds): any layer file raidmap reads (GeoJSON, KML/KMZ, CSV, GPX,
    /// Shapefile, GeoPackage, FlatGeobuf, TopoJSON), read as `raidmap info` reads it.
    #[arg(long, value_name = "FILE")]
    pub sites: PathBuf,
    /// Layer of raid events, in any of those formats.
    #[arg(long, value_name = "FILE")]
    pub raids: PathBuf,
    /// A raid within this geodesic distance of a site (kilometres, inclusive) covers it.
    #[arg(long = "radius-km", value_name = "R", value_parser = parse_radius_km)]
    pub radius_km: f64,
    /// First day of the window (YYYY-MM-DD, or YYYY-MM for the month's first day), included.
    #[arg(long, value_name = "DATE", value_parser = parse_from)]
    pub from: Option<Day>,
    /// Last day of the window (YYYY-MM-DD, or YYYY-MM for the month's last day), included.
    #[arg(long, value_name = "DATE", value_parser = parse_to)]
    pub to: Option<Day>,
    /// The raids' date property (default: detected); `START,END` for a pair of properties.
    #[arg(long = "date-field", value_name = "NAME", value_parser = parse_field)]
    pub date_field: Option<TimeField>,
    /// Also write the sites as GeoJSON with `coverage_status`, `nearest_raid` and
    /// `nearest_raid_distance_m` added (atomically).
    #[arg(long, value_name = "OUT")]
    pub geojson: Option<PathBuf>,
}

const HELP: &str = "\
A site is \"raided\" when a raid in the window lies within R of it (geodesic distance on the
WGS84 ellipsoid, d <= R), or when a raid in the window names it in its \"site\" property (a text
or a list of texts equal to the site's \"name\" or \"id\", ignoring case and surrounding spaces);
else it is \"untouched\". Sites and raids that are not points are measured from their centroid.
A site without a geometry can only be matched by name; it is listed on stderr.

Dates: the window bounds are whole UTC days and both are included. A raid's date may be a day
(2025-07-16: the whole UTC day), a month (2025-07: the whole month), a date-time with Z or an
offset (placed by its UTC instant: 2025-07-16T02:00+07:00 is 15 July in UTC), an interval
A/B, or a pair of properties (--date-field start,end). A raid is in the window when any part of
its date is. With --from or --to, a raid whose date cannot be read is reported on stderr and
left out; without them every raid counts, dated or not.

The date property is detected (a property whose texts read as dates, preferring a start/end
pair, then names with \"date\" or \"time\"); --date-field chooses it.

Output (stdout):
  text      a table: site, status, nearest raid in the window, its date, its distance (with its
            unit), and the number of raids within R; then a summary.
  --csv     header label,id,status,nearest_raid,nearest_raid_date,nearest_raid_distance_m,
            raids_within; one row per site; distances in metres; empty cells for none.
  --json    {\"window\":{\"from\":\"2025-07-14\"|null,\"to\":\"2025-07-16\"|null},
             \"radius_m\":5000.0,
             \"sites\":[{\"label\":\"Mango Park 2\",\"id\":\"KH-S-002\"|7|null,
                       \"status\":\"raided\"|\"untouched\",
                       \"nearest_raid\":{\"label\":…,\"date\":…|null,\"distance_m\":…}|null,
                       \"raids_within\":0}, …]}
            sites in the order of the file; label is the name, else the id, else #INDEX.

--geojson OUT writes the sites with coverage_status, nearest_raid (the raid's label) and
nearest_raid_distance_m (metres) added to each feature's properties, and a top-level member
raidmap_coverage with the radius, the window and the method. Written atomically.

Exit status: 0 done, 1 a file is invalid or unreadable, no date property was found while a
window is set, or OUT could not be written, 2 usage errors (a bad date or radius, a missing
flag, --from after --to).";

pub(crate) fn parse_radius_km(text: &str) -> Result<f64, String> {
    let r: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of kilometres"))?;
    if !r.is_finite() || r < 0.0 {
        return Err("the radius must be a finite number of kilometres, 0 or more".into());
    }
    Ok(r)
}

fn parse_day(text: &str, end_of_month: bool) -> Result<Day, String> {
    Day::parse_bound(text, end_of_month)
        .ok_or_else(|| format!("{text:?} is not a date: write YYYY-MM-DD (or YYYY-MM)"))
}

pub(crate) fn parse_from(text: &str) -> Result<Day, String> {
    parse_day(text, false)
}

pub(crate) fn parse_to(text: &str) -> Result<Day, String> {
    parse_day(text, true)
}

fn parse_field(text: &str) -> Result<TimeField, String> {
    TimeField::parse(text).ok_or_else(|| "write a property name, or START,END".into())
}

/// Read a layer, printing its problems; `None` (reported) when it cannot be read.
fn read(path: &Path) -> Option<Layer> {
    let result = io::read_any(path);
    report_problems(path, &result, false);
    result.ok()
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let window = Window {
        from: args.from,
        to: args.to,
    };
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        eprintln!("raidmap coverage: --from {from} is after --to {to}");
        return Ok(ExitCode::from(super::EXIT_USAGE));
    }
    let (Some(sites), Some(raids)) = (read(&args.sites), read(&args.raids)) else {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    };
    let raids_name = args.raids.display().to_string();
    let field = match &args.date_field {
        Some(field) => {
            let keys = field.keys();
            let present = raids
                .features
                .iter()
                .any(|f| keys.iter().any(|k| f.property(k).is_some()));
            if !present {
                eprintln!(
                    "raidmap coverage: {raids_name}: no raid has the property {:?}",
                    keys.join("\", \"")
                );
                return Ok(ExitCode::from(EXIT_BAD_INPUT));
            }
            Some(field.clone())
        }
        None => timeline::candidates(&raids)
            .into_iter()
            .next()
            .map(|c| c.field),
    };
    if field.is_none() && !window.is_unbounded() {
        eprintln!(
            "raidmap coverage: {raids_name}: no property reads as a date, so no raid can be placed \
             in the window; name it with --date-field"
        );
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let times = field.map(|f| LayerTimes::read(&raids, f));
    let radius_m = args.radius_km * 1000.0;
    let result = coverage::classify(&sites, &raids, times.as_ref(), radius_m, window);

    report_left_out(&args.sites, &raids_name, &raids, times.as_ref(), &result);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer(&mut out, &coverage_json(&result))?;
        writeln!(out)?;
    } else if args.csv {
        write_csv(&mut out, &result)?;
    } else {
        write_table(&mut out, &result, times.as_ref())?;
    }
    out.flush().context("cannot write to stdout")?;

    if let Some(path) = &args.geojson {
        let annotated = coverage::annotate(&sites, &result);
        crate::evidence::export::write_file(&[&annotated], path, None)
            .with_context(|| format!("nothing written to {}", path.display()))?;
        eprintln!(
            "raidmap: wrote {} classified sites to {}",
            annotated.features.len(),
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Say on stderr what could not take part: undated raids (with a window), raids without a
/// position, sites without a position.
fn report_left_out(
    sites_path: &Path,
    raids_name: &str,
    raids: &Layer,
    times: Option<&LayerTimes>,
    result: &Coverage,
) {
    if let Some(times) = times {
        for &i in &result.raids_undated {
            let reason = times
                .why_unreadable(raids, i)
                .map_or_else(String::new, |why| format!(": {why}"));
            eprintln!(
                "raidmap coverage: {raids_name}: raid {} (#{i}): date cannot be read{reason}; \
                 left out of the window",
                raids.features[i].label(i)
            );
        }
    }
    for &i in &result.raids_without_position {
        eprintln!(
            "raidmap coverage: {raids_name}: raid {} (#{i}) has no geometry; it counts only for \
             the sites it names",
            raids.features[i].label(i)
        );
    }
    for s in result.sites_without_position() {
        eprintln!(
            "raidmap coverage: {}: site {} (#{}) has no geometry; classified by name only",
            sites_path.display(),
            s.label,
            s.site
        );
    }
}

/// The `--json` object.
pub fn coverage_json(result: &Coverage) -> Value {
    let sites: Vec<Value> = result
        .sites
        .iter()
        .map(|s| {
            json!({
                "label": s.label,
                "id": s.id,
                "status": s.status.as_str(),
                "nearest_raid": s.nearest.as_ref().map(|n| json!({
                    "label": n.label,
                    "date": n.date,
                    "distance_m": n.distance_m,
                })),
                "raids_within": s.raids_within,
            })
        })
        .collect();
    json!({
        "window": coverage::window_json(&result.window),
        "radius_m": result.radius_m,
        "sites": sites,
    })
}

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn write_csv(out: &mut impl std::io::Write, result: &Coverage) -> std::io::Result<()> {
    writeln!(
        out,
        "label,id,status,nearest_raid,nearest_raid_date,nearest_raid_distance_m,raids_within"
    )?;
    for s in &result.sites {
        let id = match &s.id {
            Some(Value::String(t)) => t.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        let (raid, date, distance) = match &s.nearest {
            Some(n) => (
                n.label.clone(),
                n.date.clone().unwrap_or_default(),
                n.distance_m.to_string(),
            ),
            None => Default::default(),
        };
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            csv_field(&s.label),
            csv_field(&id),
            s.status.as_str(),
            csv_field(&raid),
            csv_field(&date),
            distance,
            s.raids_within
        )?;
    }
    Ok(())
}

fn write_table(
    out: &mut impl std::io::Write,
    result: &Coverage,
    times: Option<&LayerTimes>,
) -> std::io::Result<()> {
    let radius = format_distance(result.radius_m);
    let field = times.map_or_else(|| "none".to_owned(), |t| t.field.to_string());
    writeln!(
        out,
        "Window: {} (UTC days, inclusive; date field: {field}). Radius: {radius}, geodesic on the \
         WGS84 ellipsoid. Raids in the window: {}.",
        result.window, result.raids_in_window
    )?;
    writeln!(out)?;
    let within_head = format!("raids within {radius}");
    let rows: Vec<[String; 6]> = result
        .sites
        .iter()
        .map(|s| {
            let (raid, date, distance) = match &s.nearest {
                Some(n) => (
                    n.label.clone(),
                    n.date.clone().unwrap_or_else(|| "–".into()),
                    format_distance(n.distance_m),
                ),
                None => ("–".into(), "–".into(), "–".into()),
            };
            let mut status = s.status.as_str().to_owned();
            if !s.named_by.is_empty() && s.raids_within == 0 {
                status.push_str(" (named)");
            }
            let label = if s.point.is_none() {
                format!("{} (no geometry)", s.label)
            } else {
                s.label.clone()
            };
            [
                label,
                status,
                raid,
                date,
                distance,
                s.raids_within.to_string(),
            ]
        })
        .collect();
    let head = [
        "site",
        "status",
        "nearest raid in window",
        "date",
        "distance",
        within_head.as_str(),
    ];
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([head[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 6]| {
        let mut s = String::new();
        for (c, cell) in cells.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if c == 4 || c == 5 {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            }
            if c < 5 {
                s.push_str("  ");
            }
        }
        s.trim_end().to_owned()
    };
    writeln!(out, "{}", line(head))?;
    for r in &rows {
        writeln!(
            out,
            "{}",
            line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]].map(String::as_str))
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} untouched, {} raided, of {} sites. Distances: {}.",
        result.count(Status::Untouched),
        result.count(Status::Raided),
        result.sites.len(),
        measure::METHOD
    )
}

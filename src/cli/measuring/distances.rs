//! `raidmap distances [--json|--csv] [--layer FILE]... --from A [--nearest N] [--within-km R]`:
//! the geodesic distance and initial bearing from one place to every feature of the layers,
//! nearest first.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::measuring::measure::{indexed, load_layers, place_json, place_text};
use crate::measure::table::{Row, Target, Targets, id_text, quote};
use crate::measure::{self, NearestIndex, Place};
use crate::model::Layer;

/// Measure from one place to every other feature of the layers, sorted by distance (nearest
/// first), geodesic on the WGS84 ellipsoid.
///
/// A is a feature's `name` (exact match first, then ignoring case) or `id`, or a coordinate
/// LAT,LON (write negative values as `--from=-33.9,18.4`). A itself is left out. Points are
/// measured as they are, other geometries from their centroid. Features without geometry
/// cannot be measured: they are left out, listed under "without_geometry" with --json and
/// named on stderr otherwise.
///
/// --json prints {"from":{…},"results":[{"label","id","layer","distance_m","bearing_deg"},…],
/// "method":"geodesic-wgs84","without_geometry":[…]}; "label" is the feature's name, else its
/// id, else #INDEX (its position in its layer), "id" is null when the feature has none.
/// --csv prints the header label,id,layer,distance_m,bearing_deg and one row per feature.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object with full f64 precision.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (RFC 4180) with a header line.
    #[arg(long)]
    pub csv: bool,
    /// GeoJSON layer to measure to and look A up in (repeatable); default: the bundled data.
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
    /// Where to measure from: a name, an id or LAT,LON.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub from: String,
    /// Only the N nearest features.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub nearest: Option<u64>,
    /// Only features at most R kilometres away.
    #[arg(long = "within-km", value_name = "R", value_parser = parse_km)]
    pub within_km: Option<f64>,
}

/// A radius in kilometres: a finite number, zero or more.
fn parse_km(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(km) if km.is_finite() && km >= 0.0 => Ok(km),
        Ok(_) => Err("must be a finite number of kilometres, zero or more".into()),
        Err(e) => Err(e.to_string()),
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let layers = load_layers(&args.layers)?;
    let indexed = indexed(&layers);
    let from = measure::resolve(&args.from, &indexed).context("--from")?;
    let all = Targets::collect(&indexed);
    let rows = measure_rows(&from, &all.targets, args);

    if args.json {
        print_json(&from, &layers, &all, &rows);
        return Ok(ExitCode::SUCCESS);
    }

    if args.csv {
        println!("label,id,layer,distance_m,bearing_deg");
        for r in &rows {
            let t = &all.targets[r.target];
            println!(
                "{},{},{},{},{}",
                quote(&t.label, ','),
                quote(&id_text(t.id.as_ref()), ','),
                quote(&t.layer_name, ','),
                r.distance_m,
                r.bearing_deg
            );
        }
    } else {
        println!(
            "from  {}\ngeodesic distances on the WGS84 ellipsoid; bearings clockwise from true north",
            place_text(&from)
        );
        let width = rows
            .iter()
            .map(|r| all.targets[r.target].label.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        println!(
            "{:>4}  {:>12}  {:>8}  {:<width$}  layer",
            "#", "distance", "bearing", "label"
        );
        for (i, r) in rows.iter().enumerate() {
            let t = &all.targets[r.target];
            let centroid = if t.from_centroid { "  (centroid)" } else { "" };
            // A bearing to the origin's own place means nothing.
            let bearing = if r.distance_m == 0.0 {
                "–".to_owned()
            } else {
                format!("{:.2}°", r.bearing_deg)
            };
            println!(
                "{:>4}  {:>12}  {:>8}  {:<width$}  {}{centroid}",
                i + 1,
                measure::format_distance(r.distance_m),
                bearing,
                t.label,
                t.layer_name
            );
        }
        if rows.is_empty() {
            println!("(no features match)");
        }
    }
    if !all.without_geometry.is_empty() {
        let names: Vec<String> = all
            .without_geometry
            .iter()
            .map(|u| format!("{} ({})", u.label, u.layer_name))
            .collect();
        eprintln!(
            "raidmap: left out {} feature{} without geometry: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The answer as one JSON object on standard output.
fn print_json(from: &Place, layers: &[Layer], all: &Targets, rows: &[Row]) {
    let results: Vec<Value> = rows
        .iter()
        .map(|r| {
            let t = &all.targets[r.target];
            let mut v = json!({
                "label": t.label,
                "id": t.id.clone().unwrap_or(Value::Null),
                "layer": t.layer_name,
                "distance_m": r.distance_m,
                "bearing_deg": r.bearing_deg,
            });
            if t.from_centroid {
                v["centroid"] = json!(true);
            }
            v
        })
        .collect();
    let without: Vec<Value> = all
        .without_geometry
        .iter()
        .map(|u| {
            json!({
                "label": u.label,
                "id": u.id.clone().unwrap_or(Value::Null),
                "layer": u.layer_name,
            })
        })
        .collect();
    let out = json!({
        "from": from_json(from, layers),
        "results": results,
        "method": measure::METHOD,
        "without_geometry": without,
    });
    println!("{out}");
}

/// The rows asked for: all (or the nearest N) targets except A itself, within the radius.
fn measure_rows(from: &Place, targets: &[Target], args: &Args) -> Vec<Row> {
    let mut rows = match args.nearest {
        Some(n) => NearestIndex::build(targets).nearest(
            from.point,
            usize::try_from(n).unwrap_or(usize::MAX),
            targets,
            from.feature,
            |_| true,
        ),
        None => measure::one_to_all(from.point, targets, from.feature, |_| true),
    };
    if let Some(km) = args.within_km {
        rows.retain(|r| r.distance_m <= km * 1000.0);
    }
    rows
}

/// The origin as in `measure --json`, plus its `id` and `layer` when it is a feature.
fn from_json(from: &Place, layers: &[Layer]) -> Value {
    let mut v = place_json(from);
    if let Some(r) = from.feature
        && let Some(layer) = usize::try_from(r.layer.0).ok().and_then(|i| layers.get(i))
    {
        v["id"] = layer
            .features
            .get(r.index)
            .and_then(|f| f.id().cloned())
            .unwrap_or(Value::Null);
        v["layer"] = json!(layer.name);
    }
    v
}

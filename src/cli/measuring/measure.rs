//! `raidmap measure [--json] [--layer FILE]... --from A [--via B]... --to C`: the geodesic
//! length of a path through features or coordinates (two places: their distance).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::json;

use crate::measure::{self, Place};
use crate::model::{Layer, LayerId};

/// Measure the geodesic distance (WGS84 ellipsoid) between two places, or along a path through
/// several (`--via`, in order).
///
/// A place is a feature's `name` (exact match first, then ignoring case) or `id` in the layers,
/// or a coordinate `LAT,LON` in decimal degrees as copied from Google Maps (write negative
/// values as `--to=-33.9,18.4`). A feature that is not a point is measured from its centroid.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object with full f64 precision instead of text.
    #[arg(long)]
    pub json: bool,
    /// Layer to look names up in (repeatable): any file raidmap reads, a `.raidmap` project (all
    /// its layers) or a database table; default: the bundled sample data.
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
    /// Where to measure from: a name, an id or LAT,LON.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub from: String,
    /// A place the path passes through, between --from and --to (repeatable, in order).
    #[arg(long = "via", value_name = "B", allow_hyphen_values = true)]
    pub via: Vec<String>,
    /// Where to measure to: a name, an id or LAT,LON.
    #[arg(long, value_name = "C", allow_hyphen_values = true)]
    pub to: String,
}

/// Read the `--layer` files (any format raidmap reads; a `.raidmap` project gives all its
/// layers), or the bundled sample data when none are given.
pub fn load_layers(paths: &[PathBuf]) -> anyhow::Result<Vec<Layer>> {
    if paths.is_empty() {
        return crate::sample::layers().context("the bundled sample data is broken");
    }
    let mut layers = Vec::new();
    for path in paths {
        if crate::project::is_project_file(path) {
            layers.extend(crate::cli::export::project_layers(path, None)?.0);
            continue;
        }
        // Any format raidmap reads; a KML file gives one layer per folder.
        layers.extend(crate::io::read_layers(path)?);
    }
    Ok(layers)
}

/// Every `--layer` (or the bundled data) with the ids places are resolved against.
pub fn indexed(layers: &[Layer]) -> Vec<(LayerId, &Layer)> {
    layers
        .iter()
        .enumerate()
        .map(|(i, l)| (LayerId(i as u64), l))
        .collect()
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let layers = load_layers(&args.layers)?;
    let indexed = indexed(&layers);
    let from = measure::resolve(&args.from, &indexed).context("--from")?;
    let via = args
        .via
        .iter()
        .map(|v| measure::resolve(v, &indexed).with_context(|| format!("--via {v}")))
        .collect::<anyhow::Result<Vec<Place>>>()?;
    let to = measure::resolve(&args.to, &indexed).context("--to")?;
    let places: Vec<&Place> = std::iter::once(&from)
        .chain(&via)
        .chain(std::iter::once(&to))
        .collect();
    let points: Vec<_> = places.iter().map(|p| p.point).collect();
    let path = measure::path_length(&points);
    let distance_m = path.total_m;
    // The direction to set out in: along the first leg.
    let bearing_deg = measure::initial_bearing_deg(points[0], points[1]);
    if args.json {
        let out = json!({
            "from": place_json(&from),
            "to": place_json(&to),
            "distance_m": distance_m,
            "initial_bearing_deg": bearing_deg,
            "method": measure::METHOD,
            "via": via.iter().map(place_json).collect::<Vec<_>>(),
            "legs_m": path.legs_m,
        });
        println!("{out}");
    } else {
        println!("from  {}", place_text(&from));
        for v in &via {
            println!("via   {}", place_text(v));
        }
        println!("to    {}", place_text(&to));
        if !via.is_empty() {
            for (i, (leg_m, pair)) in path.legs_m.iter().zip(places.windows(2)).enumerate() {
                println!(
                    "leg {}  {} to {}: {} ({leg_m:.3} m)",
                    i + 1,
                    pair[0].label,
                    pair[1].label,
                    measure::format_distance(*leg_m)
                );
            }
        }
        let what = if via.is_empty() { "distance" } else { "total" };
        println!(
            "{what}  {} ({distance_m:.3} m), geodesic on the WGS84 ellipsoid",
            measure::format_distance(distance_m)
        );
        println!("initial bearing  {bearing_deg:.2}° (clockwise from true north)");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn place_json(place: &Place) -> serde_json::Value {
    let mut v = json!({
        "label": place.label,
        "lat": place.point.y(),
        "lon": place.point.x(),
    });
    if place.from_centroid {
        v["centroid"] = json!(true);
    }
    v
}

pub fn place_text(place: &Place) -> String {
    let centroid = if place.from_centroid {
        " (centroid: the feature is not a point)"
    } else {
        ""
    };
    format!(
        "{}  lat {:.6}, lon {:.6}{centroid}",
        place.label,
        place.point.y(),
        place.point.x()
    )
}

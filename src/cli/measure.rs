//! `raidmap measure [--json] [--layer FILE]... --from A --to B`: the geodesic distance between
//! two features or coordinates.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::json;

use crate::measure::{self, Place};
use crate::model::{Layer, LayerId};

/// Measure the geodesic distance (WGS84 ellipsoid) between two places.
///
/// A place is a feature's `name` (exact match first, then ignoring case) or `id` in the layers,
/// or a coordinate `LAT,LON` in decimal degrees as copied from Google Maps (write negative
/// values as `--to=-33.9,18.4`). A feature that is not a point is measured from its centroid.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object with full f64 precision instead of text.
    #[arg(long)]
    pub json: bool,
    /// GeoJSON layer to look names up in (repeatable); default: the bundled sample data.
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
    /// Where to measure from: a name, an id or LAT,LON.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub from: String,
    /// Where to measure to: a name, an id or LAT,LON.
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub to: String,
}

/// Read the `--layer` files, or the bundled sample data when none are given.
pub fn load_layers(paths: &[PathBuf]) -> anyhow::Result<Vec<Layer>> {
    if paths.is_empty() {
        return crate::sample::layers().context("the bundled sample data is broken");
    }
    paths
        .iter()
        .map(|p| crate::io::read_path(p).map_err(anyhow::Error::from))
        .collect()
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let layers = load_layers(&args.layers)?;
    let indexed: Vec<(LayerId, &Layer)> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| (LayerId(i as u64), l))
        .collect();
    let from = measure::resolve(&args.from, &indexed).context("--from")?;
    let to = measure::resolve(&args.to, &indexed).context("--to")?;
    let distance_m = measure::distance_m(from.point, to.point);
    let bearing_deg = measure::initial_bearing_deg(from.point, to.point);
    if args.json {
        let out = json!({
            "from": place_json(&from),
            "to": place_json(&to),
            "distance_m": distance_m,
            "initial_bearing_deg": bearing_deg,
            "method": measure::METHOD,
        });
        println!("{out}");
    } else {
        println!("from  {}", place_text(&from));
        println!("to    {}", place_text(&to));
        println!(
            "distance  {} ({distance_m:.3} m), geodesic on the WGS84 ellipsoid",
            measure::format_distance(distance_m)
        );
        println!("initial bearing  {bearing_deg:.2}° (clockwise from true north)");
    }
    Ok(ExitCode::SUCCESS)
}

fn place_json(place: &Place) -> serde_json::Value {
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

fn place_text(place: &Place) -> String {
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

//! `raidmap area [--json] [--layer FILE]... FEATURE`: the geodesic area and perimeter of a
//! Polygon or MultiPolygon feature.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use serde_json::json;

use crate::cli::measuring::measure::{indexed, load_layers};
use crate::measure::{self, Units};

/// The geodesic area and perimeter (WGS84 ellipsoid) of a Polygon or MultiPolygon feature.
///
/// Holes are subtracted from the area; the perimeter is the length of every ring (outer rings
/// and holes) of every part. Ring winding does not matter. FEATURE is a feature's `name`
/// (exact match first, then ignoring case) or `id`. Any other geometry is an error (exit 1).
/// --json prints {"label","area_m2","perimeter_m","method":"geodesic-wgs84"}.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object with full f64 precision instead of text.
    #[arg(long)]
    pub json: bool,
    /// Layer to look the feature up in (repeatable): any file raidmap reads, a `.raidmap`
    /// project (all its layers) or a database table; default: the bundled sample data.
    #[arg(long = "layer", value_name = "FILE")]
    pub layers: Vec<PathBuf>,
    /// The feature: its name or id.
    #[arg(value_name = "FEATURE", allow_hyphen_values = true)]
    pub feature: String,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let layers = load_layers(&args.layers)?;
    let indexed = indexed(&layers);
    let place = measure::resolve(&args.feature, &indexed).context("FEATURE")?;
    let Some(r) = place.feature else {
        bail!(
            "{:?} is a coordinate; give the name or id of a Polygon or MultiPolygon feature",
            args.feature
        );
    };
    let geometry = usize::try_from(r.layer.0)
        .ok()
        .and_then(|i| layers.get(i))
        .and_then(|l| l.features.get(r.index))
        .and_then(|f| f.geometry())
        .with_context(|| format!("feature {:?} has no geometry", place.label))?;
    let area = measure::polygon_area(geometry)
        .with_context(|| format!("cannot measure the area of {}", place.label))?;
    if args.json {
        let out = json!({
            "label": place.label,
            "area_m2": area.area_m2,
            "perimeter_m": area.perimeter_m,
            "method": measure::METHOD,
        });
        println!("{out}");
    } else {
        println!("{}", place.label);
        println!(
            "area       {} ({:.3} m²), holes subtracted",
            Units::Metric.format_area(area.area_m2),
            area.area_m2
        );
        println!(
            "perimeter  {} ({:.3} m), every ring of every part",
            Units::Metric.format_length(area.perimeter_m),
            area.perimeter_m
        );
        println!("geodesic on the WGS84 ellipsoid");
    }
    Ok(ExitCode::SUCCESS)
}

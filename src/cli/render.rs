//! `raidmap render --out FILE.png [--width W] [--height H] [--bbox W,S,E,N] [--basemap SOURCE]
//! [FILE...]`: the map as a PNG image, drawn without a window (no display or GPU needed), with
//! the same drawing code as the window (`render::image`).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use geo::Rect;

use super::EXIT_BAD_INPUT;
use super::info::report_problems;
use crate::io;
use crate::model::{Document, Layer, LayerKind};
use crate::render::image::{self, ImageSpec, MAX_SIDE_PX, TileBasemap};
use crate::style::LayerStyle;

/// Draw the map as a PNG image: the layers over the offline basemap with a title, the legend,
/// a scale bar, a north arrow and the attribution.
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// The PNG file to write (atomically: a failure leaves an existing file as it was).
    #[arg(long, value_name = "FILE.png")]
    pub out: PathBuf,
    /// Image width in pixels.
    #[arg(long, value_name = "W", default_value_t = image::DEFAULT_SIZE_PX[0],
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SIDE_PX)))]
    pub width: u32,
    /// Image height in pixels.
    #[arg(long, value_name = "H", default_value_t = image::DEFAULT_SIZE_PX[1],
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SIDE_PX)))]
    pub height: u32,
    /// The area to show, in degrees: west,south,east,north (e.g. `102.3,10.4,107.65,14.7`).
    /// Without it the image fits the layers, or Cambodia when there are none.
    #[arg(long, value_name = "W,S,E,N", value_parser = image::parse_bbox, allow_hyphen_values = true)]
    pub bbox: Option<Rect<f64>>,
    /// The basemap under the data: `offline` (the default, built in), `osm`, `satellite`,
    /// `topo`, an XYZ tile URL template, or a `.mbtiles`/`.pmtiles` file. Online sources
    /// download the tiles of the image from their servers.
    #[arg(long, value_name = "SOURCE", value_parser = super::parse_basemap)]
    pub basemap: Option<crate::tiles::Source>,
    /// Pixels per point: 2 draws text, symbols and lines twice as large (for print, or a
    /// 3200×2000 image that reads like the default one).
    #[arg(long, value_name = "S", default_value_t = 1.0, value_parser = parse_scale)]
    pub scale: f32,
    /// The title at the top left (default: the names of the layers).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Layers to draw: GeoJSON, KML/KMZ, CSV/TSV (by extension), or `.raidmap` projects
    /// (their layers with their styles and visibility).
    pub files: Vec<PathBuf>,
}

const HELP: &str = "\
The image is exactly W × H pixels (default 1600 × 1000). A project (`.raidmap`, saved by the
map window) draws its layers as styled there: colours by category, sizes by number, labels,
hidden layers left out. Other files are drawn in the default style (the colours and symbols the
window gives layers opened in that order), labelled by their `name` property. The legend lists
every visible layer. Text, Khmer included, is shaped as in the window.

Nothing is sent over the network unless --basemap names an online source; tiles that cannot be
loaded are left out (the offline basemap shows there) and reported on stderr.

Exit status: 0 written, 1 an input is invalid or the image could not be written (an existing
file is then unchanged), 2 usage errors (a bad size, bbox or basemap).";

/// A scale between 0.25 and 8.
fn parse_scale(text: &str) -> Result<f32, String> {
    let scale: f32 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(0.25..=8.0).contains(&scale) {
        return Err(format!("{text:?}: the scale must be between 0.25 and 8"));
    }
    Ok(scale)
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut doc = Document::new();
    // Styles and visibility from project files, by layer.
    let mut shown: Vec<(crate::model::LayerId, bool, Option<LayerStyle>)> = Vec::new();
    let mut invalid = 0;
    for path in &args.files {
        if crate::project::is_project_file(path) {
            match crate::project::load(path) {
                Ok(project) => {
                    for problem in &project.problems {
                        eprintln!("{}: {problem}", path.display());
                    }
                    invalid += usize::from(!project.problems.is_empty());
                    for opened in project.layers {
                        let id = doc.add_layer(opened.layer);
                        shown.push((id, opened.visible, opened.style));
                    }
                }
                Err(err) => {
                    eprintln!("raidmap: {}", crate::tiles::describe(&err));
                    invalid += 1;
                }
            }
            continue;
        }
        match io::read_layers(path) {
            Ok(layers) => {
                for mut layer in layers {
                    report_problems(path, &Ok(layer.clone()), true);
                    if crate::measure::is_measurement_layer(&layer) {
                        layer.kind = LayerKind::Measurements;
                    }
                    doc.add_layer(layer);
                }
            }
            Err(err) => {
                report_problems(path, &Err::<Layer, _>(err), false);
                invalid += 1;
            }
        }
    }
    if invalid > 0 {
        eprintln!(
            "raidmap: no image written to {}: {invalid} input{} not valid",
            args.out.display(),
            if invalid == 1 { " is" } else { "s are" }
        );
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let mut views = crate::render::layer_view::views_for(&doc);
    for (id, visible, style) in shown {
        if let Some(view) = views.get_mut(&id) {
            view.visible = visible;
            if let Some(style) = style {
                view.style = style;
            }
        }
    }
    let area = args
        .bbox
        .unwrap_or_else(|| image::layers_area(&doc, &views));
    let mut spec = ImageSpec::new(args.width, args.height, area);
    // A bbox asked for is shown edge to edge; fitted layers keep a margin for the legend.
    spec.fill = if args.bbox.is_some() { 1.0 } else { 0.85 };
    spec.pixels_per_point = args.scale;
    spec.title = args
        .title
        .clone()
        .or_else(|| image::default_title(&doc, &views));
    let tiles = match &args.basemap {
        Some(source) => source
            .open(crate::tiles::cache::default_root().map(|root| {
                std::sync::Arc::new(crate::tiles::DiskCache::new(
                    root,
                    crate::tiles::cache::DEFAULT_LIMIT_BYTES,
                ))
            }))
            .with_context(|| format!("cannot open the basemap {}", source.label()))?
            .map(|loader| TileBasemap {
                credit: loader.attribution(),
                loader,
            }),
        None => None,
    };
    let image = image::render_map(&doc, &views, &spec, tiles.as_ref())?;
    let png = image::encode_png(&image)?;
    io::write_atomic(&args.out, |w| w.write_all(&png))?;
    eprintln!(
        "raidmap: wrote {}×{} pixels to {}",
        image.width(),
        image.height(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

//! `raidmap render --out FILE.png [--width W] [--height H] [--bbox W,S,E,N] [--basemap SOURCE]
//! [--compare SOURCE [--swipe FRACTION]] [--wayback-config URL] [--overlay IMAGE --pins
//! "px,py,lon,lat;…"] [FILE...]`: the map as a PNG image, drawn without a window (no display or GPU needed), with
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
    #[arg(short = 'o', long, value_name = "FILE.png")]
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
    /// A second basemap (any SOURCE as for --basemap) right of a vertical divider: left of it
    /// the first basemap, right of it this one, both named and credited on the image.
    #[arg(long, value_name = "SOURCE", value_parser = super::parse_basemap)]
    pub compare: Option<crate::tiles::Source>,
    /// Where the divider is, as a fraction of the width from the left (0 to 1; default 0.5).
    #[arg(long, value_name = "FRACTION", requires = "compare", value_parser = parse_fraction)]
    pub swipe: Option<f32>,
    /// Where the list of Esri Wayback releases is read for `wayback:YYYY-MM-DD` (default:
    /// Esri's published configuration).
    #[arg(long, value_name = "URL", default_value = crate::tiles::wayback::DEFAULT_CONFIG_URL)]
    pub wayback_config: String,
    /// A picture (PNG or JPEG) pinned onto the map with --pins and drawn warped into place.
    #[arg(long, value_name = "IMAGE", requires = "pins")]
    pub overlay: Option<PathBuf>,
    /// The overlay's pins: `px,py,lon,lat` (image pixel from the top-left corner, then the
    /// map position in degrees) separated by `;`, at least three. An affine transform is
    /// fitted (least squares); each pin's residual is printed in metres.
    #[arg(long, value_name = "PINS", requires = "overlay", value_parser = parse_pins)]
    pub pins: Option<Pins>,
    /// Fit a projective transform (perspective; four pins or more) instead of an affine one.
    #[arg(long, requires = "overlay")]
    pub projective: bool,
    /// The overlay's opacity, 0 to 1.
    #[arg(long, value_name = "O", default_value_t = 1.0, value_parser = parse_fraction)]
    pub overlay_opacity: f32,
    /// Pixels per point: 2 draws text, symbols and lines twice as large (for print, or a
    /// 3200×2000 image that reads like the default one).
    #[arg(long, value_name = "S", default_value_t = 1.0, value_parser = parse_scale)]
    pub scale: f32,
    /// The title at the top left (default: the names of the layers).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Layers to draw: GeoJSON, KML/KMZ, CSV/TSV (by extension), or `.raidmap` projects
    /// (their layers with their styles, visibility and time window).
    pub files: Vec<PathBuf>,
}

const HELP: &str = "\
The image is exactly W × H pixels (default 1600 × 1000). A project (`.raidmap`, saved by the
map window) draws its layers as styled there: colours by category, sizes by number, labels,
hidden layers left out, and only what the project's time window lets through. A caption
under the title states every filter in force: the time window (`raids shown: 14–16 July
2025, 6 of 7`) and the hidden layers. Other files are drawn in the default style (the colours and symbols the
window gives layers opened in that order), labelled by their `name` property. The legend lists
every visible layer. Text, Khmer included, is shaped as in the window.

Nothing is sent over the network unless --basemap or --compare names an online source; tiles
that cannot be loaded are left out (the offline basemap shows there) and reported on stderr.
`wayback:YYYY-MM-DD` reads the list of releases from --wayback-config first and draws the
release nearest that date; its date is written on the image and in the credit.

With --compare, left of FRACTION × width is the first basemap (--basemap, default offline),
right of it the second; a divider and both names are drawn, and both credits. With --overlay,
the picture is drawn warped into place by its pins, between the basemap and the data.

Exit status: 0 written, 1 an input is invalid or the image could not be written (an existing
file is then unchanged), 2 usage errors (a bad size, bbox or basemap).";

/// A number from 0 to 1.
fn parse_fraction(text: &str) -> Result<f32, String> {
    let value: f32 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err(format!("{text:?} must be between 0 and 1"));
    }
    Ok(value)
}

/// `--pins`' value (a newtype, so clap takes it as one value, not a list).
#[derive(Debug, Clone)]
pub struct Pins(pub Vec<crate::georef::Pin>);

fn parse_pins(text: &str) -> Result<Pins, String> {
    crate::georef::parse_pins(text)
        .map(Pins)
        .map_err(|e| e.to_string())
}

/// Open a basemap for the image (resolving a Wayback date with the configuration first).
fn open_tiles(
    source: &crate::tiles::Source,
    wayback_config: &str,
) -> anyhow::Result<(crate::tiles::Source, Option<TileBasemap>)> {
    let source = source
        .resolve(wayback_config)
        .with_context(|| format!("cannot choose the release for {}", source.label()))?;
    let cache = crate::tiles::cache::default_root().map(|root| {
        std::sync::Arc::new(crate::tiles::DiskCache::new(
            root,
            crate::tiles::cache::DEFAULT_LIMIT_BYTES,
        ))
    });
    let tiles = TileBasemap::open(&source, cache)
        .with_context(|| format!("cannot open the basemap {}", source.label()))?;
    Ok((source, tiles))
}

/// The overlay image placed by its pins; the residuals are printed.
fn pinned_overlay(args: &Args) -> anyhow::Result<Option<crate::render::pinned::PinnedImage>> {
    let (Some(path), Some(Pins(pins))) = (&args.overlay, &args.pins) else {
        return Ok(None);
    };
    let picture = ::image::open(path)
        .with_context(|| format!("{}: cannot read it as a PNG or JPEG image", path.display()))?
        .to_rgba8();
    let kind = if args.projective {
        crate::georef::TransformKind::Projective
    } else {
        crate::georef::TransformKind::Affine
    };
    let fit =
        crate::georef::fit(pins, kind).with_context(|| format!("--pins for {}", path.display()))?;
    for (i, r) in fit.residuals_m.iter().enumerate() {
        eprintln!("raidmap: pin {}: residual {r:.2} m", i + 1);
    }
    eprintln!(
        "raidmap: {} fit through {} pins, RMS residual {:.2} m",
        kind.label(),
        pins.len(),
        fit.rms_m()
    );
    Ok(Some(crate::render::pinned::PinnedImage {
        image: picture,
        transform: fit.transform,
        opacity: args.overlay_opacity,
        above_data: false,
    }))
}

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

/// The lon/lat box of a pinned picture's corners.
fn footprint(pinned: &crate::render::pinned::PinnedImage) -> Rect<f64> {
    let (w, h) = (
        f64::from(pinned.image.width()),
        f64::from(pinned.image.height()),
    );
    let corners: Vec<(f64, f64)> = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]
        .iter()
        .filter_map(|&p| pinned.transform.apply_lon_lat(p))
        .collect();
    let lon = |f: fn(f64, f64) -> f64| corners.iter().map(|c| c.0).fold(corners[0].0, f);
    let lat = |f: fn(f64, f64) -> f64| corners.iter().map(|c| c.1).fold(corners[0].1, f);
    if corners.is_empty() {
        return crate::render::scene::cambodia();
    }
    Rect::new(
        geo::Coord {
            x: lon(f64::min),
            y: lat(f64::min),
        },
        geo::Coord {
            x: lon(f64::max),
            y: lat(f64::max),
        },
    )
}

/// Hide what a project's time window leaves out of each visible data layer, by the layer's
/// best date field (the window's default choice); a feature whose date cannot be read is
/// hidden while a window is set, as in the window.
fn apply_time_window(
    doc: &Document,
    views: &mut std::collections::HashMap<
        crate::model::LayerId,
        crate::render::layer_view::LayerView,
    >,
    window: &crate::timeline::Window,
) {
    if window.is_unbounded() {
        return;
    }
    for (id, layer) in doc.layers() {
        let Some(view) = views.get_mut(&id).filter(|v| v.visible) else {
            continue;
        };
        if layer.kind != LayerKind::Data {
            continue;
        }
        let Some(field) = crate::timeline::candidates(layer).into_iter().next() else {
            continue;
        };
        let times = crate::timeline::LayerTimes::read(layer, field.field);
        view.set_time_filter(Some(times.filter(window)));
    }
}

/// What the input files hold: the document, each project layer's visibility and style, how
/// many inputs could not be read (each reported on standard error), the first project's time
/// window and the pictures pinned in the projects.
struct Inputs {
    doc: Document,
    shown: Vec<(crate::model::LayerId, bool, Option<LayerStyle>)>,
    invalid: usize,
    window: Option<crate::timeline::Window>,
    pictures: Vec<crate::render::pinned::PinnedImage>,
}

/// Read the files (layers and projects) in order.
fn read_inputs(files: &[PathBuf]) -> Inputs {
    let mut doc = Document::new();
    // Styles and visibility from project files, by layer.
    let mut shown: Vec<(crate::model::LayerId, bool, Option<LayerStyle>)> = Vec::new();
    let mut invalid = 0;
    // The first project's time window (as in the window: its dated layers show only what it
    // lets through, and the caption says so).
    let mut window = None;
    // Pictures pinned onto the map in the projects.
    let mut pictures = Vec::new();
    for path in files {
        if crate::project::is_project_file(path) {
            match crate::project::load(path) {
                Ok(project) => {
                    for problem in &project.problems {
                        eprintln!("{}: {problem}", path.display());
                    }
                    invalid += usize::from(!project.problems.is_empty());
                    window.get_or_insert(project.settings.time_window);
                    let (images, problems) = crate::render::pinned::pinned_images(
                        &project.settings.pictures,
                        &project.evidence.store,
                    );
                    for problem in problems {
                        eprintln!("raidmap: {}: {problem}", path.display());
                    }
                    pictures.extend(images);
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
    Inputs {
        doc,
        shown,
        invalid,
        window,
        pictures,
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let Inputs {
        doc,
        shown,
        invalid,
        window,
        pictures,
    } = read_inputs(&args.files);
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
                view.set_style(style);
            }
        }
    }
    let window = window.unwrap_or_default();
    apply_time_window(&doc, &mut views, &window);
    let pinned = pinned_overlay(args)?;
    let area = match (args.bbox, pinned.as_ref().or(pictures.first())) {
        (Some(bbox), _) => bbox,
        // Nothing else to show: the picture's footprint.
        (None, Some(p)) if doc.layers().next().is_none() => footprint(p),
        _ => image::layers_area(&doc, &views),
    };
    let mut spec = ImageSpec::new(args.width, args.height, area);
    // A bbox asked for is shown edge to edge; fitted layers keep a margin for the legend.
    spec.fill = if args.bbox.is_some() { 1.0 } else { 0.85 };
    spec.pixels_per_point = args.scale;
    spec.caption = image::caption::filter_lines(&doc, &views, &window);
    for line in &spec.caption {
        eprintln!("raidmap: the image states: {line}");
    }
    spec.title = args
        .title
        .clone()
        .or_else(|| image::default_title(&doc, &views));
    let first = args.basemap.clone().unwrap_or_default();
    let (first, tiles) = open_tiles(&first, &args.wayback_config)?;
    if let Some(second) = &args.compare {
        let (second, second_tiles) = open_tiles(second, &args.wayback_config)?;
        spec.compare = Some(image::Compare {
            tiles: second_tiles,
            swipe: args.swipe.unwrap_or(0.5),
            blend: None,
            names: [first.label(), second.label()],
        });
    } else if matches!(first, crate::tiles::Source::Wayback(_)) {
        spec.basemap_name = Some(first.label());
    }
    spec.pinned.extend(pictures);
    spec.pinned.extend(pinned);
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

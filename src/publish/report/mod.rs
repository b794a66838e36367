//! The case report: a PDF with a title page (title, when made, the data files and their
//! SHA-256, the time window, the method), the map, the sites with their coverage, the raids,
//! the kept measurements, the sources cited and the precision notes.

pub mod content;
mod pdf;
mod text;

pub use content::{Content, METHOD};
pub use pdf::Paper;

use super::Output;
use super::Scene;
use super::draw::{Drawer, ImageError, Picture};
use crate::io::AtomicWriteError;
use crate::timeline::Window;

/// The default radius within which a raid covers a site, in kilometres.
pub const DEFAULT_RADIUS_KM: f64 = 5.0;

/// What the report is about.
#[derive(Debug, Clone)]
pub struct Options {
    /// `None`: the layers' names.
    pub title: Option<String>,
    pub radius_km: f64,
    /// `None`: the scene's (the project's) window.
    pub window: Option<Window>,
    pub paper: Paper,
    /// The area the map shows edge to edge; `None` fits the visible layers.
    pub area: Option<geo::Rect<f64>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            title: None,
            radius_km: DEFAULT_RADIUS_KM,
            window: None,
            paper: Paper::A4,
            area: None,
        }
    }
}

/// Why no report was written (an existing file is then unchanged).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Fonts(#[from] text::FontError),
    #[error("could not draw the map")]
    Map(#[from] ImageError),
    #[error("could not make the PDF: {0}")]
    Pdf(String),
    #[error(transparent)]
    Write(#[from] AtomicWriteError),
}

/// Make the report of `scene` and write it to `out` atomically (sealed when `out` says so).
pub fn write_report(
    scene: &Scene,
    options: &Options,
    out: Output<'_>,
) -> Result<Content, ReportError> {
    let window = options.window.unwrap_or(scene.window);
    let content = content::build(
        scene,
        options.title.as_deref(),
        options.radius_km * 1000.0,
        window,
    );
    let map = draw_map(scene, &window, options.area)?;
    let bytes = render(&content, map, options.paper)?;
    out.write(&bytes)?;
    Ok(content)
}

/// The map at print resolution: 2400 × 1680 pixels drawn at 2 pixels per point, so it reads
/// like a 1200 × 840 screen map and prints at about 350 dpi across an A4 page.
fn draw_map(
    scene: &Scene,
    window: &Window,
    area: Option<geo::Rect<f64>>,
) -> Result<image::RgbaImage, ImageError> {
    let times = scene.times();
    let filters = Scene::filters(&times, window);
    let picture = Picture {
        width_px: 2400,
        height_px: 1680,
        bbox: area,
        title: None,
        pixels_per_point: 2.0,
    };
    Drawer::new(scene).draw(&picture, &filters)
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

fn render(content: &Content, map: image::RgbaImage, paper: Paper) -> Result<Vec<u8>, ReportError> {
    let fonts = text::Fonts::new()?;
    let mut layout = pdf::Layout::new(&fonts, paper);
    let radius = crate::measure::format_distance(content.radius_m);
    layout.title(&content.title);
    layout.note(&format!("Case report made by raidmap on {}.", content.made));
    data_section(&mut layout, content, &radius);
    layout.heading("Method");
    layout.body(METHOD);

    layout.new_page();
    layout.heading("Map");
    layout.image(map);
    layout.note(&format!(
        "Raids shown: those in the window ({}). Basemap: {}",
        content.window,
        crate::basemap::ATTRIBUTION
    ));

    sites_section(&mut layout, content, &radius);
    listed_sections(&mut layout, content);
    layout.render(&content.title).map_err(ReportError::Pdf)
}

/// The data: each file with its size, SHA-256 and time, edits since, the selection, the
/// time window and the layers of sites and raids.
fn data_section(layout: &mut pdf::Layout<'_>, content: &Content, radius: &str) {
    layout.heading("Data");
    if content.files.is_empty() {
        layout.body("The layers were not read from files (made in the window, not saved).");
    } else {
        let rows: Vec<Vec<String>> = content
            .files
            .iter()
            .map(|f| {
                vec![
                    format!(
                        "{}\n{} bytes",
                        f.path.display(),
                        crate::measure::group_thousands(f.bytes as f64)
                    ),
                    format!("{}\nlast modified {}", f.sha256, content::modified_utc(f)),
                ]
            })
            .collect();
        // The SHA-256 column holds 64 hex digits on one line.
        layout.table(
            &["File", "SHA-256 and when the file was last modified"],
            &[2.1, 4.9],
            &rows,
        );
    }
    layout.body(&content::edited_since(content));
    if content.selected_only {
        layout.body(
            "Selected features only: the map and tables show only the features selected in \
             the window (layers without a selected feature are left out).",
        );
    }
    layout.body(&format!("Time window: {}.", content.window));
    layout.body(&format!(
        "Sites: {}. Raids: {}. Coverage radius: {radius}.",
        content
            .sites_layer
            .as_deref()
            .unwrap_or("no layer of sites"),
        content
            .raids_layer
            .as_deref()
            .unwrap_or("no dated layer of raids"),
    ));
}

/// The sites with their coverage, nearest raid and the raids within the radius.
fn sites_section(layout: &mut pdf::Layout<'_>, content: &Content, radius: &str) {
    layout.heading("Sites");
    if content.sites.is_empty() {
        layout.body("No layer of sites (a layer without dates) is shown.");
    } else {
        let rows: Vec<Vec<String>> = content
            .sites
            .iter()
            .map(|s| {
                let (nearest, distance) = s
                    .nearest
                    .clone()
                    .unwrap_or_else(|| ("none in the window".to_owned(), "—".to_owned()));
                vec![
                    s.name.clone(),
                    s.province.clone(),
                    s.status.clone(),
                    s.coverage.clone(),
                    nearest,
                    distance,
                    s.within.to_string(),
                ]
            })
            .collect();
        let within = format!("Raids within {radius}");
        layout.table(
            &[
                "Site",
                "Province",
                "Status",
                "Coverage",
                "Nearest raid",
                "Distance",
                &within,
            ],
            &[2.2, 1.5, 1.1, 1.1, 2.4, 1.1, 1.0],
            &rows,
        );
        layout.note(&format!(
            "Coverage: raided when a raid in the window lies within {radius} (geodesic, WGS84) \
             or names the site; else untouched. Distances to the nearest raid in the window."
        ));
    }
}

/// The raids, kept measurements, sources and imprecise positions, each a table.
fn listed_sections(layout: &mut pdf::Layout<'_>, content: &Content) {
    layout.heading("Raids");
    if content.raids.is_empty() {
        layout.body("No raid in the time window.");
    } else {
        let rows: Vec<Vec<String>> = content
            .raids
            .iter()
            .map(|r| vec![r.date.clone(), r.place.clone(), r.detained.clone()])
            .collect();
        layout.table(&["Date", "Place", "Detained"], &[1.2, 4.0, 1.3], &rows);
    }

    layout.heading("Kept measurements");
    if content.measurements.is_empty() {
        layout.body("No measurement was kept.");
    } else {
        let rows: Vec<Vec<String>> = content
            .measurements
            .iter()
            .map(|m| vec![m.what.clone(), m.value.clone()])
            .collect();
        layout.table(&["Measurement", "Value"], &[4.0, 1.5], &rows);
    }

    layout.heading("Sources");
    if content.sources.is_empty() {
        layout.body("The features cite no sources.");
    } else {
        let rows: Vec<Vec<String>> = content
            .sources
            .iter()
            .map(|s| {
                vec![
                    or_dash(&s.publisher),
                    or_dash(&s.title),
                    or_dash(&s.date),
                    or_dash(&s.url),
                ]
            })
            .collect();
        layout.table(
            &["Publisher", "Title", "Date", "URL"],
            &[1.4, 3.6, 1.0, 2.4],
            &rows,
        );
    }

    layout.heading("Precision of positions");
    if content.precision.is_empty() {
        layout.body("No position is marked approximate.");
    } else {
        let rows: Vec<Vec<String>> = content
            .precision
            .iter()
            .map(|p| vec![p.feature.clone(), p.precision.clone(), or_dash(&p.note)])
            .collect();
        layout.table(&["Feature", "Precision", "Note"], &[1.8, 1.1, 5.0], &rows);
    }
}

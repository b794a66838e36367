//! The offline basemap: land and sea, Cambodia and its neighbours, borders, rivers, Tonlé Sap,
//! coastline and place names, prepared once for fast drawing.
//!
//! The nine layers of `maps/` are compiled into the binary ([`embedded`]), read with the project's
//! GeoJSON reader, projected to Web Mercator world units ([`projection`]), and turned into what a
//! frame needs: triangles for the fills ([`fill`]), polylines with levels of detail and bounding
//! boxes for the lines ([`lines`]), and label candidates sorted by importance ([`labels`]).
//! [`Basemap::embedded`] does this once, on first use, and shares the result.
//!
//! Promises: nothing here names egui, eframe or walkers (the drawing is `render::basemap`);
//! building never panics on bad data, a layer that cannot be read is left empty and reported in
//! [`Basemap::problems`]; a frame only transforms the prepared vertices.
//!
//! Province lookups use Natural Earth's 24 provinces: Tboung Khmum (KH-25, split from Kampong
//! Cham in 2013) lies inside KH-3 in this data, so it is reported as Kampong Cham.

pub mod embedded;
pub mod fill;
pub mod labels;
pub mod lines;
pub mod names;
pub mod projection;

use std::sync::OnceLock;

use geo::{
    Area, BoundingRect, Centroid, Contains, Coord, Geometry, InteriorPoint, MultiPolygon, Point,
    Polygon, Rect, Simplify,
};
use serde_json::Value;

use crate::io::ReadError;
use crate::model::Layer;

pub use embedded::ATTRIBUTION;
pub use fill::TriMesh;
pub use labels::{Label, LabelKind, PlacedLabel, place_labels};
pub use lines::{LineKind, Polyline, RiverClass};
pub use names::english_province_name;
pub use projection::{PxRect, ScreenTransform, Viewport};

use crate::mercator::lon_lat_to_world;

/// The ISO 3166-1 alpha-3 code of the country the map is about.
pub const CAMBODIA_ISO_A3: &str = "KHM";

/// A layer of the embedded basemap that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the embedded basemap layer {layer} could not be read")]
pub struct BasemapError {
    pub layer: &'static str,
    #[source]
    pub source: ReadError,
}

/// A country's filled area.
#[derive(Debug, Clone)]
pub struct Country {
    pub name: String,
    pub iso_a3: String,
    pub is_cambodia: bool,
    /// One mesh per polygon (islands are separate), in world units.
    pub meshes: Vec<TriMesh>,
}

/// A first-level division (a province in Cambodia, a province or region next door).
#[derive(Debug, Clone)]
pub struct Province {
    pub iso_3166_2: String,
    /// The name people write (Cambodia's 24) or Natural Earth's name (the neighbours').
    pub name: String,
    /// Natural Earth's romanised name, as in the data (`Kâmpóng Spœ`).
    pub natural_earth_name: String,
    pub country: String,
    pub in_cambodia: bool,
    pub meshes: Vec<TriMesh>,
    /// The area in square world units (for label sizing).
    pub area_world: f64,
    /// The outline in lon/lat degrees, for "which province is this point in".
    pub outline_lon_lat: MultiPolygon<f64>,
    pub bbox_lon_lat: Option<Rect<f64>>,
}

/// Everything the basemap draws, in world units, ready for any zoom.
#[derive(Debug, Default)]
pub struct Basemap {
    /// All land (Natural Earth `land`), drawn first over the sea.
    pub land: Vec<TriMesh>,
    pub countries: Vec<Country>,
    pub provinces: Vec<Province>,
    /// Tonlé Sap.
    pub lakes: Vec<TriMesh>,
    /// Every line, in drawing order: province borders, lake shores, rivers, coastline, country
    /// borders. Each carries its [`LineKind`].
    pub lines: Vec<Polyline>,
    /// Label candidates, most important first (see [`labels::sort_by_importance`]).
    pub labels: Vec<Label>,
    /// Where the layers have data (the box they were clipped to), in world units.
    pub coverage_world: Option<Rect<f64>>,
    /// Layers that could not be read (they are empty above).
    pub problems: Vec<BasemapError>,
}

static EMBEDDED: OnceLock<Basemap> = OnceLock::new();

impl Basemap {
    /// The basemap made from the embedded layers, built on first use (about a tenth of a
    /// second; call it once from a background thread at start-up to have it ready) and shared.
    pub fn embedded() -> &'static Basemap {
        EMBEDDED.get_or_init(Basemap::from_embedded)
    }

    /// Read and prepare the nine embedded layers.
    pub fn from_embedded() -> Basemap {
        let mut problems = Vec::new();
        let mut read =
            |file: embedded::EmbeddedFile| match crate::io::read_str(file.text, file.name) {
                Ok(layer) => Some(layer),
                Err(source) => {
                    problems.push(BasemapError {
                        layer: file.name,
                        source,
                    });
                    None
                }
            };
        let land = read(embedded::LAND);
        let countries = read(embedded::COUNTRIES);
        let provinces = read(embedded::PROVINCES);
        let lakes = read(embedded::LAKES);
        let province_borders = read(embedded::PROVINCE_BORDERS);
        let rivers = read(embedded::RIVERS);
        let coastline = read(embedded::COASTLINE);
        let country_borders = read(embedded::COUNTRY_BORDERS);
        let places = read(embedded::PLACES);

        let mut basemap = Basemap {
            land: geometries(land.as_ref())
                .flat_map(|g| fill::triangulate(&fill::world_polygons(g)))
                .collect(),
            ..Basemap::default()
        };

        let cambodia_lon_lat = basemap.add_countries(countries.as_ref());
        basemap.add_provinces(provinces.as_ref());
        basemap.add_lakes(lakes.as_ref());
        // Lines, in drawing order.
        basemap.add_lines(
            &cambodia_lon_lat,
            [
                province_borders.as_ref(),
                lakes.as_ref(),
                rivers.as_ref(),
                coastline.as_ref(),
                country_borders.as_ref(),
            ],
        );
        basemap.add_places(places.as_ref());
        labels::sort_by_importance(&mut basemap.labels);
        labels::drop_repeated_towns(&mut basemap.labels);
        let [west, south, east, north] = embedded::COVERAGE_LON_LAT_DEG;
        basemap.coverage_world = Some(Rect::new(
            lon_lat_to_world(west, north),
            lon_lat_to_world(east, south),
        ));
        basemap.problems = problems;
        basemap
    }

    /// The countries' meshes and labels; Cambodia's outline in lon/lat.
    fn add_countries(&mut self, countries: Option<&Layer>) -> MultiPolygon<f64> {
        let mut cambodia_lon_lat = MultiPolygon::<f64>(Vec::new());
        for feature in countries.iter().flat_map(|l| &l.features) {
            let Some(geometry) = feature.geometry() else {
                continue;
            };
            let iso_a3 = text_property(feature, "iso_a3");
            let is_cambodia = iso_a3 == CAMBODIA_ISO_A3;
            let polygons_world = fill::world_polygons(geometry);
            if is_cambodia {
                cambodia_lon_lat = lon_lat_polygons(geometry);
            }
            let name = feature.name().unwrap_or(&iso_a3).to_owned();
            if let Some(label) = area_label(
                &polygons_world,
                name.to_uppercase(),
                LabelKind::Country { is_cambodia },
            ) {
                self.labels.push(Label {
                    min_zoom: 0.0,
                    max_zoom: if is_cambodia { 6.8 } else { 9.0 },
                    ..label
                });
            }
            self.countries.push(Country {
                name,
                iso_a3,
                is_cambodia,
                meshes: fill::triangulate(&polygons_world),
            });
        }

        cambodia_lon_lat
    }

    /// The provinces' meshes and outlines, and the labels of Cambodia's.
    fn add_provinces(&mut self, provinces: Option<&Layer>) {
        for feature in provinces.iter().flat_map(|l| &l.features) {
            let Some(geometry) = feature.geometry() else {
                continue;
            };
            let iso_3166_2 = text_property(feature, "iso_3166_2");
            let natural_earth_name = feature.name().unwrap_or_default().to_owned();
            let english = english_province_name(&iso_3166_2);
            let name = english.map_or_else(|| natural_earth_name.clone(), str::to_owned);
            let polygons_world = fill::world_polygons(geometry);
            let area_world = polygons_world.unsigned_area();
            if english.is_some()
                && let Some(label) = area_label(&polygons_world, name.clone(), LabelKind::Province)
            {
                self.labels.push(label);
            }
            let outline_lon_lat = lon_lat_polygons(geometry);
            self.provinces.push(Province {
                in_cambodia: english.is_some(),
                country: text_property(feature, "country"),
                meshes: fill::triangulate(&polygons_world),
                area_world,
                bbox_lon_lat: outline_lon_lat.bounding_rect(),
                outline_lon_lat,
                iso_3166_2,
                natural_earth_name,
                name,
            });
        }
    }

    /// The lakes' meshes and the labels of named ones.
    fn add_lakes(&mut self, lakes: Option<&Layer>) {
        for feature in lakes.iter().flat_map(|l| &l.features) {
            let Some(geometry) = feature.geometry() else {
                continue;
            };
            let polygons_world = fill::world_polygons(geometry);
            if let Some(name) = feature.name()
                && let Some(label) = area_label(&polygons_world, name.to_owned(), LabelKind::Water)
            {
                let min_zoom = label.min_zoom.max(7.0);
                self.labels.push(Label {
                    min_zoom,
                    priority: labels::priority(LabelKind::Water, min_zoom, false),
                    ..label
                });
            }
            self.lakes.extend(fill::triangulate(&polygons_world));
        }
    }

    /// The lines, in drawing order: province borders (Cambodia's told apart), lake shores,
    /// rivers by class, the coastline and country borders.
    fn add_lines(
        &mut self,
        cambodia_lon_lat: &MultiPolygon<f64>,
        [province_borders, lakes, rivers, coastline, country_borders]: [Option<&Layer>; 5],
    ) {
        let cambodia_bbox = cambodia_lon_lat.bounding_rect();
        for feature in province_borders.iter().flat_map(|l| &l.features) {
            let Some(geometry) = feature.geometry() else {
                continue;
            };
            for line in geo_lines_lon_lat(geometry) {
                // A border is Cambodia's when its middle vertex lies in Cambodia.
                let middle = line.0.get(line.0.len() / 2).copied();
                let in_cambodia = middle.is_some_and(|c| {
                    cambodia_bbox.is_some_and(|b| b.contains(&c))
                        && cambodia_lon_lat.contains(&Point::from(c))
                });
                let kind = LineKind::ProvinceBorder { in_cambodia };
                push_lines(&mut self.lines, kind, &Geometry::LineString(line));
            }
        }
        for geometry in geometries(lakes) {
            push_lines(&mut self.lines, LineKind::LakeShore, geometry);
        }
        for feature in rivers.iter().flat_map(|l| &l.features) {
            let Some(geometry) = feature.geometry() else {
                continue;
            };
            let level = feature
                .property("gshhg_level")
                .and_then(Value::as_i64)
                .unwrap_or(4);
            let kind = LineKind::River(RiverClass::from_gshhg_level(level));
            push_lines(&mut self.lines, kind, geometry);
        }
        for geometry in geometries(coastline) {
            push_lines(&mut self.lines, LineKind::Coastline, geometry);
        }
        for geometry in geometries(country_borders) {
            push_lines(&mut self.lines, LineKind::CountryBorder, geometry);
        }
    }

    /// The towns' and the capital's labels.
    fn add_places(&mut self, places: Option<&Layer>) {
        for feature in places.iter().flat_map(|l| &l.features) {
            let Some(Geometry::Point(point)) = feature.geometry() else {
                continue;
            };
            let Some(name) = feature.name() else {
                continue;
            };
            let in_cambodia = feature.property("cc").and_then(Value::as_str) == Some("KH");
            let population = feature
                .property("population")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let feature_code = text_property(feature, "feature_code");
            let kind = if feature_code == "PPLC" {
                LabelKind::Capital
            } else {
                LabelKind::Town { in_cambodia }
            };
            let min_zoom = labels::town_min_zoom(population, &feature_code, in_cambodia);
            self.labels.push(Label {
                text: name.to_owned(),
                kind,
                world: lon_lat_to_world(point.x(), point.y()),
                min_zoom,
                max_zoom: f64::INFINITY,
                population,
                priority: labels::priority(kind, min_zoom, feature_code == "PPLA"),
                outline_world: None,
            });
        }
    }

    /// The province (first-level division) containing a lon/lat point, if any.
    ///
    /// Natural Earth's 24 Cambodian provinces: a point in Tboung Khmum is reported as Kampong
    /// Cham (KH-3), which contained it until 2013.
    pub fn province_at(&self, lon_deg: f64, lat_deg: f64) -> Option<&Province> {
        let c = Coord {
            x: lon_deg,
            y: lat_deg,
        };
        self.provinces.iter().find(|p| {
            p.bbox_lon_lat.is_some_and(|b| b.contains(&c)) && p.outline_lon_lat.contains(&c)
        })
    }

    /// How many vertices and triangles the fills have, and how many points the lines (full
    /// resolution), for reports and tests.
    pub fn counts(&self) -> (usize, usize, usize) {
        let meshes = || {
            self.land
                .iter()
                .chain(self.countries.iter().flat_map(|c| &c.meshes))
                .chain(self.provinces.iter().flat_map(|p| &p.meshes))
                .chain(&self.lakes)
        };
        let vertices = meshes().map(|m| m.vertices_world.len()).sum();
        let triangles = meshes().map(|m| m.indices.len() / 3).sum();
        let points = self.lines.iter().map(|l| l.full().points_world.len()).sum();
        (vertices, triangles, points)
    }
}

/// The geometries of a layer that was read (none if it was not).
fn geometries(layer: Option<&Layer>) -> impl Iterator<Item = &Geometry<f64>> {
    layer
        .into_iter()
        .flat_map(|l| &l.features)
        .filter_map(|f| f.geometry())
}

/// A string property, or an empty string.
fn text_property(feature: &crate::model::Feature, key: &str) -> String {
    feature
        .property(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The polygons of a geometry in lon/lat degrees.
fn lon_lat_polygons(geometry: &Geometry<f64>) -> MultiPolygon<f64> {
    match geometry {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(mp) => mp.clone(),
        _ => MultiPolygon(Vec::new()),
    }
}

/// The simple lines of a geometry in lon/lat degrees.
fn geo_lines_lon_lat(geometry: &Geometry<f64>) -> Vec<geo::LineString<f64>> {
    match geometry {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(ml) => ml.0.clone(),
        _ => Vec::new(),
    }
}

fn push_lines(out: &mut Vec<Polyline>, kind: LineKind, geometry: &Geometry<f64>) {
    out.extend(
        lines::world_lines(geometry)
            .iter()
            .filter_map(|l| Polyline::new(kind, l)),
    );
}

/// A label for an area, at a point well inside its largest polygon, shown once the area is big
/// enough on the screen.
fn area_label(polygons_world: &MultiPolygon<f64>, text: String, kind: LabelKind) -> Option<Label> {
    let largest: &Polygon<f64> = polygons_world.0.iter().max_by(|a, b| {
        a.unsigned_area()
            .partial_cmp(&b.unsigned_area())
            .unwrap_or(std::cmp::Ordering::Equal)
    })?;
    // The centroid reads best; for a crescent it may fall outside, then take an interior point.
    let point = largest
        .centroid()
        .filter(|c| largest.contains(c))
        .or_else(|| largest.interior_point())?;
    let min_zoom = labels::area_min_zoom(largest.unsigned_area());
    Some(Label {
        text,
        kind,
        world: point.0,
        min_zoom,
        max_zoom: f64::INFINITY,
        population: 0,
        priority: labels::priority(kind, min_zoom, false),
        // About 0.1 px at zoom 5: enough to tell inside from outside for a label's centre.
        outline_world: Some(largest.simplify(2e-6)),
    })
}

#[cfg(test)]
mod tests;

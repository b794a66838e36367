//! The nine GeoJSON layers of `maps/`, compiled into the binary so the map works from any folder
//! and with no network.
//!
//! Provenance and licences are in `maps/README.md`; [`ATTRIBUTION`] is the line the map must show.

/// The attribution the licences of the embedded layers ask for, to be shown on the map.
pub const ATTRIBUTION: &str =
    "Made with Natural Earth. Rivers: GSHHG (LGPL-3+). Places: GeoNames (CC-BY 4.0).";

/// The box every layer was clipped to, `[west, south, east, north]` in degrees: outside it the
/// basemap has no data (it is not sea).
pub const COVERAGE_LON_LAT_DEG: [f64; 4] = [100.0, 8.0, 110.0, 16.5];

/// One embedded file: its name (as in `maps/`) and its text.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! embedded {
    ($name:literal) => {
        EmbeddedFile {
            name: $name,
            text: include_str!(concat!("../../maps/", $name)),
        }
    };
}

pub const LAND: EmbeddedFile = embedded!("land.geojson");
pub const COUNTRIES: EmbeddedFile = embedded!("countries.geojson");
pub const COUNTRY_BORDERS: EmbeddedFile = embedded!("country_borders.geojson");
pub const PROVINCES: EmbeddedFile = embedded!("provinces.geojson");
pub const PROVINCE_BORDERS: EmbeddedFile = embedded!("province_borders.geojson");
pub const COASTLINE: EmbeddedFile = embedded!("coastline.geojson");
pub const LAKES: EmbeddedFile = embedded!("lakes.geojson");
pub const RIVERS: EmbeddedFile = embedded!("rivers.geojson");
pub const PLACES: EmbeddedFile = embedded!("places.geojson");

/// All nine, in drawing order (bottom first).
pub const ALL: [EmbeddedFile; 9] = [
    LAND,
    COUNTRIES,
    PROVINCES,
    LAKES,
    PROVINCE_BORDERS,
    RIVERS,
    COASTLINE,
    COUNTRY_BORDERS,
    PLACES,
];

//! Geodesic measuring on the WGS84 ellipsoid (Karney's algorithms through geo's `Geodesic`).
//!
//! Never Euclidean maths on lon/lat: every distance, bearing, path, ring and area here is
//! ellipsoidal. Every number that reaches a person goes through [`Units`] (or
//! [`format_distance`]) so it carries its unit. Nothing here knows about the screen: the GUI,
//! the command line, the tests and the benchmarks call the same functions.

mod area;
mod geodesic;
mod keep;
mod nearest;
mod path;
mod place;
mod rings;
pub mod table;
mod units;

pub use area::{AreaError, AreaMeasure, drawn_polygon, geometry_kind, polygon_area};
pub use geodesic::{
    METHOD, METHOD_SHORT, densify, distance_and_bearing, distance_m, format_distance,
    geodesic_path, initial_bearing_deg, unroll_longitudes,
};
pub use keep::{
    area_feature, is_measurement, is_measurement_layer, measurement_anchor, measurement_feature,
    measurement_label, path_feature, ring_feature,
};
pub use nearest::NearestIndex;
pub use path::{PathLength, path_length};
pub use place::{Place, PlaceError, representative_point, resolve};
pub use rings::{RING_STEPS, geodesic_ring};
pub use table::{Row, SortKey, Target, Targets, one_to_all, sort_rows};
pub use units::{LengthsError, MAX_LENGTH_M, Units, group_thousands, parse_lengths};

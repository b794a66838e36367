//! Geodesic measuring on the WGS84 ellipsoid (Karney's algorithms through geo's `Geodesic`).
//!
//! Never Euclidean maths on lon/lat: every distance, bearing and path here is ellipsoidal.
//! Every number that reaches a person goes through [`format_distance`] so it carries its unit.

mod geodesic;
mod keep;
mod place;

pub use geodesic::{
    METHOD, METHOD_SHORT, distance_m, format_distance, geodesic_path, initial_bearing_deg,
};
pub use keep::measurement_feature;
pub use place::{Place, PlaceError, representative_point, resolve};

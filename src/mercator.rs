//! Web Mercator "world units": the unit square [0, 1]² with x growing east and y growing south,
//! x = (lon + 180) / 360 and y = (1 − ln(tan φ + sec φ) / π) / 2 (the projection walkers and
//! tile servers use, divided by the world's size). Below `model`, `basemap`, `render` and
//! `tiles`, which all place positions in it.

use geo::{Coord, coord};

/// The latitude where Web Mercator's square world ends; positions beyond are clamped to it.
pub const MAX_LATITUDE_DEG: f64 = 85.051_128_779_806_59;

/// Project a lon/lat position (degrees, WGS84) to world units in [0, 1]².
pub fn lon_lat_to_world(lon_deg: f64, lat_deg: f64) -> Coord<f64> {
    let lat_rad = lat_deg
        .clamp(-MAX_LATITUDE_DEG, MAX_LATITUDE_DEG)
        .to_radians();
    // asinh(tan φ) = ln(tan φ + sec φ), and is well behaved near the poles.
    let y = (1.0 - lat_rad.tan().asinh() / std::f64::consts::PI) / 2.0;
    coord! { x: (lon_deg + 180.0) / 360.0, y: y }
}

/// The inverse of [`lon_lat_to_world`]: `(lon_deg, lat_deg)`.
pub fn world_to_lon_lat(world: Coord<f64>) -> (f64, f64) {
    let lon_deg = world.x * 360.0 - 180.0;
    let lat_deg = ((1.0 - 2.0 * world.y) * std::f64::consts::PI)
        .sinh()
        .atan()
        .to_degrees();
    (lon_deg, lat_deg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn the_projection_maps_known_points_where_web_mercator_puts_them() {
        // Null Island is the centre of the world square.
        let null_island = lon_lat_to_world(0.0, 0.0);
        assert_relative_eq!(null_island.x, 0.5);
        assert_relative_eq!(null_island.y, 0.5);
        // The antimeridian and the Mercator latitude limit are the square's corners.
        let north_west = lon_lat_to_world(-180.0, MAX_LATITUDE_DEG);
        assert_relative_eq!(north_west.x, 0.0);
        assert_relative_eq!(north_west.y, 0.0, epsilon = 1e-12);
        let south_east = lon_lat_to_world(180.0, -MAX_LATITUDE_DEG);
        assert_relative_eq!(south_east.x, 1.0);
        assert_relative_eq!(south_east.y, 1.0, epsilon = 1e-12);
        // Phnom Penh (104.916 E, 11.562 N) lies in OSM tile x = 1620, y = 957 at zoom 11.
        let phnom_penh = lon_lat_to_world(104.91601, 11.56245);
        let tiles_at_zoom_11 = 2048.0;
        assert_eq!((phnom_penh.x * tiles_at_zoom_11).floor(), 1620.0);
        assert_eq!((phnom_penh.y * tiles_at_zoom_11).floor(), 957.0);
        // y at 45 N: (1 - ln(tan 45 + sec 45) / pi) / 2, worked out by hand.
        let expected_y = (1.0 - (1.0f64 + 2.0f64.sqrt()).ln() / std::f64::consts::PI) / 2.0;
        assert_relative_eq!(lon_lat_to_world(10.0, 45.0).y, expected_y, epsilon = 1e-15);
    }

    #[test]
    fn world_units_go_back_to_the_same_lon_lat() {
        for (lon, lat) in [(104.9, 11.5), (100.0, 8.0), (110.0, 16.5), (-70.0, -33.4)] {
            let (lon_back, lat_back) = world_to_lon_lat(lon_lat_to_world(lon, lat));
            assert_relative_eq!(lon_back, lon, epsilon = 1e-9);
            assert_relative_eq!(lat_back, lat, epsilon = 1e-9);
        }
    }
}

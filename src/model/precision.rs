//! How many decimals raidmap gives the coordinates it creates (clicked points, drawn shapes,
//! kept measurements, densified rings, moved vertices): never more than [`MAX_DECIMALS`]
//! (1e-7 degrees, about 1 cm), and for a clicked position no more than the map's zoom can
//! tell apart, so files raidmap writes never draw its own precision warning.

use geo::{Coord, Geometry, MapCoordsInPlace};

/// Coordinates with more decimals than this are reported when read (1e-7 degrees ≈ 1 cm).
pub const MAX_DECIMALS: i32 = 7;

/// Metres per degree of latitude (and of longitude at the equator), near enough for choosing
/// a number of decimals.
const METRES_PER_DEGREE: f64 = 111_320.0;

/// `x` rounded to `decimals` places (at most [`MAX_DECIMALS`]).
pub fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals.clamp(0, MAX_DECIMALS));
    let rounded = (x * scale).round() / scale;
    if rounded.is_finite() { rounded } else { x }
}

/// Every coordinate of `geometry` rounded to `decimals` places (at most [`MAX_DECIMALS`]).
pub fn round_geometry(geometry: &mut Geometry<f64>, decimals: i32) {
    geometry.map_coords_in_place(|c| Coord {
        x: round(c.x, decimals),
        y: round(c.y, decimals),
    });
}

/// The decimals that still tell apart positions `metres` apart (one screen pixel of the map):
/// a tenth of that distance, at most [`MAX_DECIMALS`].
pub fn decimals_for(metres: f64) -> i32 {
    if !(metres.is_finite() && metres > 0.0) {
        return MAX_DECIMALS;
    }
    let degrees = metres / METRES_PER_DEGREE / 10.0;
    (-degrees.log10())
        .ceil()
        .clamp(0.0, f64::from(MAX_DECIMALS)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decimals in the shortest text of `x`.
    fn decimals(x: f64) -> usize {
        x.to_string().split('.').nth(1).map_or(0, str::len)
    }

    #[test]
    fn rounded_geometry_has_no_more_than_seven_decimals() {
        let mut g: Geometry<f64> =
            geo::LineString::from(vec![(104.91234567891234, 11.56789012345678), (105.0, 12.1)])
                .into();
        round_geometry(&mut g, 12);
        let Geometry::LineString(line) = g else {
            panic!("still a line")
        };
        assert_eq!(line.0[0].x, 104.9123457);
        assert!(
            line.0
                .iter()
                .all(|c| decimals(c.x) <= 7 && decimals(c.y) <= 7)
        );
    }

    #[test]
    fn a_pixel_of_ten_metres_keeps_six_decimals() {
        // A tenth of 10 m ≈ 9e-6°: 5 decimals (steps of ≈ 1.1 m) are too coarse, 6 are not.
        assert_eq!(decimals_for(10.0), 6);
        assert_eq!(decimals_for(0.001), MAX_DECIMALS);
        assert_eq!(decimals_for(5_000.0), 3);
        assert_eq!(decimals_for(f64::NAN), MAX_DECIMALS);
    }
}

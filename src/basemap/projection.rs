//! Web Mercator "world units" and the affine map from them to the screen.
//!
//! The basemap is prepared once in world units: the unit square [0, 1]² of Web Mercator with x
//! growing east and y growing south, x = (lon + 180) / 360 and y = (1 − ln(tan φ + sec φ) / π) / 2.
//! This is the projection walkers uses, divided by the world's size in pixels (256 · 2^zoom), so
//! at any zoom the screen is an affine image of world units: a scale plus an offset. Drawing a
//! frame therefore only multiplies and adds; it never calls a trigonometric function.
//!
//! Screen lengths here are egui points (logical pixels), named `_px`.

use geo::{Coord, Rect, coord};

/// The width of the whole world at zoom 0, in screen pixels (one 256 px tile, as in walkers).
pub const WORLD_SIZE_AT_ZOOM_0_PX: f64 = 256.0;

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

/// How many screen pixels one world unit spans at a (fractional) zoom level.
pub fn px_per_unit_at_zoom(zoom: f64) -> f64 {
    WORLD_SIZE_AT_ZOOM_0_PX * zoom.exp2()
}

/// The (fractional) zoom level at which one world unit spans `px_per_unit` screen pixels.
pub fn zoom_at_px_per_unit(px_per_unit: f64) -> f64 {
    (px_per_unit / WORLD_SIZE_AT_ZOOM_0_PX).log2()
}

/// An axis-aligned rectangle on the screen, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PxRect {
    pub min_px: [f32; 2],
    pub max_px: [f32; 2],
}

impl PxRect {
    pub fn from_min_size(min_px: [f32; 2], size_px: [f32; 2]) -> Self {
        Self {
            min_px,
            max_px: [min_px[0] + size_px[0], min_px[1] + size_px[1]],
        }
    }

    pub fn width_px(&self) -> f32 {
        self.max_px[0] - self.min_px[0]
    }

    pub fn height_px(&self) -> f32 {
        self.max_px[1] - self.min_px[1]
    }

    /// Whether the two rectangles share some area (touching edges do not count).
    pub fn overlaps(&self, other: &PxRect) -> bool {
        self.min_px[0] < other.max_px[0]
            && other.min_px[0] < self.max_px[0]
            && self.min_px[1] < other.max_px[1]
            && other.min_px[1] < self.max_px[1]
    }

    /// Whether `other` lies wholly inside this rectangle.
    pub fn contains_rect(&self, other: &PxRect) -> bool {
        other.min_px[0] >= self.min_px[0]
            && other.min_px[1] >= self.min_px[1]
            && other.max_px[0] <= self.max_px[0]
            && other.max_px[1] <= self.max_px[1]
    }

    /// The rectangle grown by `margin_px` on every side (shrunk when negative).
    pub fn expand(&self, margin_px: f32) -> Self {
        Self {
            min_px: [self.min_px[0] - margin_px, self.min_px[1] - margin_px],
            max_px: [self.max_px[0] + margin_px, self.max_px[1] + margin_px],
        }
    }
}

/// World units to screen pixels: `px = (world − anchor_world) · px_per_unit + anchor_px`.
///
/// Computed in f64 and rounded to f32 only at the end, so the map does not jitter at high zoom,
/// where world coordinates times the scale reach hundreds of millions of pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenTransform {
    /// Screen pixels per world unit (equal along x and y in Web Mercator).
    pub px_per_unit: f64,
    /// A world position and where it is on the screen.
    pub anchor_world: Coord<f64>,
    pub anchor_px: [f64; 2],
}

impl ScreenTransform {
    /// The transform of a map centred on `center_world` at `zoom`, whose centre is at `center_px`.
    pub fn centered(center_world: Coord<f64>, zoom: f64, center_px: [f64; 2]) -> Self {
        Self {
            px_per_unit: px_per_unit_at_zoom(zoom),
            anchor_world: center_world,
            anchor_px: center_px,
        }
    }

    /// The zoom level this transform corresponds to (walkers' zoom, 0 = world in one tile).
    pub fn zoom(&self) -> f64 {
        zoom_at_px_per_unit(self.px_per_unit)
    }

    /// Where a world position is on the screen.
    #[inline]
    pub fn to_px(&self, world: Coord<f64>) -> [f32; 2] {
        [
            ((world.x - self.anchor_world.x) * self.px_per_unit + self.anchor_px[0]) as f32,
            ((world.y - self.anchor_world.y) * self.px_per_unit + self.anchor_px[1]) as f32,
        ]
    }

    /// Which world position is at a screen position.
    pub fn to_world(&self, px: [f32; 2]) -> Coord<f64> {
        coord! {
            x: (f64::from(px[0]) - self.anchor_px[0]) / self.px_per_unit + self.anchor_world.x,
            y: (f64::from(px[1]) - self.anchor_px[1]) / self.px_per_unit + self.anchor_world.y,
        }
    }
}

/// What part of the world is on the screen, and how it maps there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub transform: ScreenTransform,
    /// The map's rectangle on the screen.
    pub rect_px: PxRect,
}

impl Viewport {
    pub fn zoom(&self) -> f64 {
        self.transform.zoom()
    }

    /// The world rectangle on the screen, grown by `margin_px` on every side.
    pub fn world_rect(&self, margin_px: f32) -> Rect<f64> {
        let rect = self.rect_px.expand(margin_px);
        Rect::new(
            self.transform.to_world(rect.min_px),
            self.transform.to_world(rect.max_px),
        )
    }
}

/// Whether two world rectangles share any point.
pub fn rects_intersect(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
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

    #[test]
    fn the_screen_transform_scales_by_256_times_two_to_the_zoom() {
        let centre = lon_lat_to_world(104.9, 12.5);
        let transform = ScreenTransform::centered(centre, 7.0, [400.0, 300.0]);
        assert_relative_eq!(transform.zoom(), 7.0, epsilon = 1e-12);
        assert_eq!(transform.to_px(centre), [400.0, 300.0]);
        let one_tile_east = coord! { x: centre.x + 1.0 / 128.0, y: centre.y };
        assert_eq!(transform.to_px(one_tile_east), [656.0, 300.0]);
        let back = transform.to_world([656.0, 300.0]);
        assert_relative_eq!(back.x, one_tile_east.x, epsilon = 1e-12);
    }
}

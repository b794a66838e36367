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
    use crate::mercator::lon_lat_to_world;
    use approx::assert_relative_eq;

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

//! Which XYZ tiles cover a view and where each lands on the screen: the one tile grid for the
//! window's tile layers and for images (both paint tiles themselves, so a comparison can clip
//! each basemap to its side of the divider).

use egui::{Pos2, Rect as ScreenRect};
use walkers::{Projector, lon_lat};

use crate::tiles::TileKey;

/// The tiles at zoom `z` covering `rect` (screen points) as `projector` shows it.
pub fn tiles_in_view(projector: &Projector, rect: ScreenRect, z: u8) -> Vec<TileKey> {
    let a = projector.unproject(rect.left_top().to_vec2());
    let b = projector.unproject(rect.right_bottom().to_vec2());
    let (p, q) = (TileKey::at(a.x(), a.y(), z), TileKey::at(b.x(), b.y(), z));
    let mut keys = Vec::new();
    for y in p.y.min(q.y)..=p.y.max(q.y) {
        for x in p.x.min(q.x)..=p.x.max(q.x) {
            keys.push(TileKey::new(z, x, y));
        }
    }
    keys
}

/// Where tile `key` is drawn: between its projected north-west and south-east corners.
pub fn tile_rect(projector: &Projector, key: TileKey) -> ScreenRect {
    let corner = |x: u32, y: u32| -> Pos2 {
        let (lon, lat) = tile_corner(x, y, key.z);
        projector.project(lon_lat(lon, lat)).to_pos2()
    };
    ScreenRect::from_min_max(corner(key.x, key.y), corner(key.x + 1, key.y + 1))
}

/// The north-west corner of tile (x, y) at zoom `z`, as lon/lat degrees.
fn tile_corner(x: u32, y: u32, z: u8) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let lon = f64::from(x) / n * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * f64::from(y) / n))
        .sinh()
        .atan()
        .to_degrees();
    (lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_holds_the_positions_inside_it() {
        // Phnom Penh at zoom 10: x = floor((104.92 + 180) / 360 · 1024) = 810.
        let TileKey { x, y, .. } = TileKey::at(104.92, 11.56, 10);
        assert_eq!(x, 810);
        let (lon, lat) = tile_corner(x, y, 10);
        assert!(lon <= 104.92 && lat >= 11.56);
        let (lon2, lat2) = tile_corner(x + 1, y + 1, 10);
        assert!(lon2 > 104.92 && lat2 < 11.56);
    }
}

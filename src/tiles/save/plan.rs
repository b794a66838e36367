//! Which tiles an area covers: a box in degrees and a range of zoom levels give, per zoom, a
//! rectangle of tile columns and rows. Counted before anything is downloaded, so the user sees
//! how many tiles and roughly how many megabytes first.

use std::ops::RangeInclusive;

use super::super::TileKey;
use crate::mercator::lon_lat_to_world;

/// The most tiles one save may hold (about 4 GB of imagery): more is a mistake in the box or
/// the zoom levels, or a job for other tools.
pub const MAX_TILES: u64 = 200_000;

/// The deepest zoom level raidmap saves.
pub const MAX_ZOOM: u8 = 22;

/// What a saved tile weighs on average before the first ones are in, for the estimate: a
/// 256-pixel PNG or JPEG of a town is typically 10 to 40 kB.
pub const TYPICAL_TILE_BYTES: u64 = 25_000;

/// The tiles of an area.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `[west, south, east, north]` in degrees.
    pub bbox: [f64; 4],
    pub zooms: RangeInclusive<u8>,
    /// Per zoom: the columns and rows covered.
    pub ranges: Vec<(u8, RangeInclusive<u32>, RangeInclusive<u32>)>,
}

/// Why an area cannot be saved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the box {0:?} is not west,south,east,north in degrees with west < east and south < north"
    )]
    Box([f64; 4]),
    #[error(
        "zoom levels {0}-{1}: the first must not be above the last, and the last at most {MAX_ZOOM}"
    )]
    Zoom(u8, u8),
    #[error(
        "{count} tiles is more than one save may hold ({MAX_TILES}); choose a smaller box or fewer zoom levels"
    )]
    TooMany { count: u64 },
}

impl Plan {
    pub fn new(bbox: [f64; 4], zooms: RangeInclusive<u8>) -> Result<Self, PlanError> {
        let [w, s, e, n] = bbox;
        let finite = bbox.iter().all(|v| v.is_finite());
        if !finite || w >= e || s >= n || w < -180.0 || e > 180.0 || s < -90.0 || n > 90.0 {
            return Err(PlanError::Box(bbox));
        }
        if zooms.start() > zooms.end() || *zooms.end() > MAX_ZOOM {
            return Err(PlanError::Zoom(*zooms.start(), *zooms.end()));
        }
        let nw = lon_lat_to_world(w, n);
        let se = lon_lat_to_world(e, s);
        let ranges: Vec<_> = zooms
            .clone()
            .map(|z| {
                let size = f64::from(1u32 << z);
                let last = (1u32 << z) - 1;
                let cell = |v: f64| ((v * size).floor().max(0.0) as u32).min(last);
                (z, cell(nw.x)..=cell(se.x), cell(nw.y)..=cell(se.y))
            })
            .collect();
        let plan = Self {
            bbox,
            zooms,
            ranges,
        };
        let count = plan.count();
        if count > MAX_TILES {
            return Err(PlanError::TooMany { count });
        }
        Ok(plan)
    }

    /// How many tiles the area covers.
    pub fn count(&self) -> u64 {
        self.ranges
            .iter()
            .map(|(_, xs, ys)| {
                (u64::from(xs.end() - xs.start()) + 1) * (u64::from(ys.end() - ys.start()) + 1)
            })
            .sum()
    }

    /// Every tile, zoom by zoom, row by row.
    pub fn tiles(&self) -> impl Iterator<Item = TileKey> + '_ {
        self.ranges.iter().flat_map(|(z, xs, ys)| {
            ys.clone()
                .flat_map(move |y| xs.clone().map(move |x| TileKey::new(*z, x, y)))
        })
    }

    /// Roughly how many bytes the tiles will take, at `per_tile` bytes each.
    pub fn estimate_bytes(&self, per_tile: u64) -> u64 {
        self.count().saturating_mul(per_tile)
    }
}

/// Read `W,S,E,N` in degrees.
pub fn parse_bbox(text: &str) -> Result<[f64; 4], String> {
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{text:?} is not four numbers west,south,east,north"))?;
    let bbox: [f64; 4] = values
        .try_into()
        .map_err(|_| format!("{text:?} is not four numbers west,south,east,north"))?;
    Plan::new(bbox, 0..=0).map_err(|e| e.to_string())?;
    Ok(bbox)
}

/// Read `MIN-MAX` (or one zoom level `Z`).
pub fn parse_zooms(text: &str) -> Result<RangeInclusive<u8>, String> {
    let bad = || format!("{text:?} is not a zoom range MIN-MAX such as 10-16 (at most {MAX_ZOOM})");
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let a: u8 = a.trim().parse().map_err(|_| bad())?;
    let b: u8 = b.trim().parse().map_err(|_| bad())?;
    if a > b || b > MAX_ZOOM {
        return Err(bad());
    }
    Ok(a..=b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiles_of_a_box_are_counted_per_zoom() {
        // A small box in Phnom Penh: one tile at zoom 0–9, then more.
        let plan = Plan::new([104.88, 11.54, 104.94, 11.60], 0..=14).expect("plan");
        assert_eq!(plan.ranges[0], (0, 0..=0, 0..=0));
        let (z, xs, _) = plan.ranges[14].clone();
        assert_eq!(z, 14);
        // x = floor((lon + 180) / 360 · 2^14): 104.88° → 12965.2, 104.94° → 12967.9.
        assert_eq!(xs, 12965..=12967);
        assert_eq!(plan.count() as usize, plan.tiles().count());
        assert!(plan.tiles().all(|k| k.is_valid()));
        assert_eq!(plan.estimate_bytes(1000), plan.count() * 1000);
    }

    #[test]
    fn bad_boxes_zooms_and_huge_saves_are_refused() {
        assert!(matches!(
            Plan::new([105.0, 11.0, 104.0, 12.0], 0..=1),
            Err(PlanError::Box(_))
        ));
        assert!(matches!(
            Plan::new([104.0, 11.0, 105.0, 12.0], 0..=23),
            Err(PlanError::Zoom(0, 23))
        ));
        let err = Plan::new([102.3, 10.4, 107.65, 14.7], 0..=16).expect_err("too many");
        assert!(
            err.to_string().contains("more than one save may hold"),
            "{err}"
        );
        assert_eq!(parse_zooms("10-14"), Ok(10..=14));
        assert_eq!(parse_zooms("12"), Ok(12..=12));
        assert!(parse_zooms("14-10").is_err());
        assert!(parse_bbox("1,2,3").is_err());
        assert_eq!(parse_bbox("104,11,105,12"), Ok([104.0, 11.0, 105.0, 12.0]));
    }
}
